package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each overlay is for: report-only, cert-manager, OpenShift. */
class OverlaysTest {

    private static Rendered overlay(String name) {
        return Rendered.of(Path.of("deploy", "overlays", name));
    }

    private static Optional<String> mode(Rendered rendered) {
        return WebhookPodTest.env(rendered.podSpec().getContainers().get(0), "PID1_MODE");
    }

    @ParameterizedTest
    @CsvSource({"audit", "cluster-wide-audit"})
    void auditOverlaysNeverPatch(String name) {
        Rendered rendered = overlay(name);

        assertEquals(Optional.of("audit"), mode(rendered));
        for (MutatingWebhook webhook : rendered.webhooks().getWebhooks()) {
            assertEquals("/audit", webhook.getClientConfig().getService().getPath(), webhook.getName());
        }
    }

    @ParameterizedTest
    @CsvSource({"../base", "cluster-wide", "cert-manager", "openshift", "self-managed-tls"})
    void otherDirectoriesEnforce(String name) {
        Rendered rendered = overlay(name);

        assertEquals("enforce", mode(rendered).orElse("enforce"));
        assertEquals(
                List.of("/mutate", "/audit"),
                rendered.webhooks().getWebhooks().stream()
                        .map(w -> w.getClientConfig().getService().getPath())
                        .toList());
    }

    @Test
    void openshiftAssignsNoFixedIds() {
        Rendered rendered = overlay("openshift");
        List<String> fixedIds = new ArrayList<>();
        for (HasMetadata object : rendered.objects()) {
            Rendered.YAML
                    .valueToTree(object)
                    .findParents("runAsUser")
                    .forEach(p -> fixedIds.add(object.getKind() + " runAsUser"));
            Rendered.YAML
                    .valueToTree(object)
                    .findParents("runAsGroup")
                    .forEach(p -> fixedIds.add(object.getKind() + " runAsGroup"));
            Rendered.YAML
                    .valueToTree(object)
                    .findParents("fsGroup")
                    .forEach(p -> fixedIds.add(object.getKind() + " fsGroup"));
        }

        assertEquals(List.of(), fixedIds, "restricted-v2 assigns the namespace's UID range");
        assertTrue(
                rendered.podSpec().getSecurityContext().getSupplementalGroups().isEmpty());
        assertEquals(Boolean.TRUE, rendered.podSpec().getSecurityContext().getRunAsNonRoot());
    }

    @Test
    void otherDirectoriesRunAsTheImagesNonRootUser() {
        PodSecurityContext pod =
                Rendered.of(Path.of("deploy", "base")).podSpec().getSecurityContext();

        assertEquals(65532L, pod.getRunAsUser());
        assertEquals(65532L, pod.getFsGroup(), "the TLS key is readable by the group only");
    }

    @Test
    void openshiftServiceCaIssuesTheMountedSecretAndInjectsTheBundle() {
        Rendered rendered = overlay("openshift");
        Service service = rendered.service();

        assertEquals(
                tlsSecretName(rendered),
                service.getMetadata().getAnnotations().get("service.beta.openshift.io/serving-cert-secret-name"));
        assertEquals(
                "true",
                rendered.webhooks().getMetadata().getAnnotations().get("service.beta.openshift.io/inject-cabundle"));
    }

    @Test
    void certManagerIssuesTheMountedSecretAndInjectsItsCa() {
        Rendered rendered = overlay("cert-manager");
        String injectFrom = rendered.webhooks().getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from");
        GenericKubernetesResource serving = certificate(rendered, injectFrom);
        Service service = rendered.service();
        String name = service.getMetadata().getName();
        String namespace = service.getMetadata().getNamespace();

        assertEquals(tlsSecretName(rendered), spec(serving).get("secretName"));
        assertTrue(
                ((List<?>) spec(serving).get("dnsNames"))
                        .containsAll(List.of(
                                name + "." + namespace + ".svc", name + "." + namespace + ".svc.cluster.local")),
                "the names the API server calls");
        GenericKubernetesResource issuer = resource(rendered, "Issuer", namespace, issuerName(serving));
        Map<?, ?> ca = (Map<?, ?>) spec(issuer).get("ca");
        GenericKubernetesResource caCertificate = rendered.generic("Certificate").stream()
                .filter(c -> ca.get("secretName").equals(spec(c).get("secretName")))
                .findFirst()
                .orElseThrow();

        assertEquals(Boolean.TRUE, spec(caCertificate).get("isCA"));
        GenericKubernetesResource root = resource(rendered, "Issuer", namespace, issuerName(caCertificate));
        assertTrue(spec(root).containsKey("selfSigned"));
    }

    private static GenericKubernetesResource certificate(Rendered rendered, String namespacedName) {
        String[] parts = namespacedName.split("/");
        assertEquals(2, parts.length, "inject-ca-from is namespace/name: " + namespacedName);
        return resource(rendered, "Certificate", parts[0], parts[1]);
    }

    private static GenericKubernetesResource resource(Rendered rendered, String kind, String namespace, String name) {
        return rendered.generic(kind).stream()
                .filter(r -> namespace.equals(r.getMetadata().getNamespace())
                        && name.equals(r.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + namespace + "/" + name));
    }

    private static String issuerName(GenericKubernetesResource certificate) {
        Map<?, ?> issuerRef = (Map<?, ?>) spec(certificate).get("issuerRef");
        assertEquals("Issuer", issuerRef.get("kind"));
        return (String) issuerRef.get("name");
    }

    private static Map<?, ?> spec(GenericKubernetesResource resource) {
        return (Map<?, ?>) resource.getAdditionalProperties().get("spec");
    }

    private static String tlsSecretName(Rendered rendered) {
        Container container = rendered.podSpec().getContainers().get(0);
        String cert = WebhookPodTest.env(container, "PID1_TLS_CERT_FILE").orElseThrow();
        String mountPath = cert.substring(0, cert.lastIndexOf('/'));
        String volume = WebhookPodTest.mount(container, mountPath).getName();
        return WebhookPodTest.volume(rendered.podSpec(), volume).getSecret().getSecretName();
    }
}
