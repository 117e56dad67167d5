package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/overlays/self-managed-tls: the webhook gets a token and exactly the rights self-managed TLS uses. */
class SelfManagedTlsOverlayTest {

    private static Rendered overlay() {
        return Rendered.of(Rendered.SELF_MANAGED_TLS);
    }

    private static String namespace(Rendered rendered) {
        return rendered.deployment().getMetadata().getNamespace();
    }

    /** One rule as {@code Kind[/namespace]: group resource [names] verbs}, sorted lists, "core" for "". */
    private static String describe(String scope, PolicyRule rule) {
        return scope + ": "
                + rule.getApiGroups().stream()
                        .map(g -> g.isEmpty() ? "core" : g)
                        .sorted()
                        .toList()
                + " " + rule.getResources().stream().sorted().toList()
                + " "
                + Optional.ofNullable(rule.getResourceNames()).orElse(List.of()).stream()
                        .sorted()
                        .toList()
                + " " + rule.getVerbs().stream().sorted().toList();
    }

    @Test
    void grantsExactlyWhatSelfManagedTlsUses() {
        Rendered rendered = overlay();
        String namespace = namespace(rendered);
        String configuration = rendered.webhooks().getMetadata().getName();
        List<String> rules = new ArrayList<>();
        rendered.all(ClusterRole.class)
                .forEach(role -> role.getRules().forEach(rule -> rules.add(describe("ClusterRole", rule))));
        rendered.all(Role.class)
                .forEach(role -> role.getRules()
                        .forEach(rule ->
                                rules.add(describe("Role/" + role.getMetadata().getNamespace(), rule))));

        assertEquals(AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION, configuration);
        assertEquals(
                Set.of(
                        "ClusterRole: [admissionregistration.k8s.io] [mutatingwebhookconfigurations] [" + configuration
                                + "] [get, patch]",
                        "Role/" + namespace + ": [core] [secrets] [" + AutoTlsTarget.DEFAULT_SECRET
                                + "] [get, update]"),
                Set.copyOf(rules));
        assertEquals(2, rules.size(), "no rule twice, and no create, which RBAC cannot limit to a name: " + rules);
    }

    @Test
    void shipsTheSharedSecretEmptyAndUntyped() {
        Rendered rendered = overlay();
        Secret secret = rendered.only(Secret.class);

        assertEquals(AutoTlsTarget.DEFAULT_SECRET, secret.getMetadata().getName());
        assertEquals(namespace(rendered), secret.getMetadata().getNamespace());
        JsonNode raw = rendered.document("Secret");
        assertFalse(raw.has("data") || raw.has("stringData"), "a later apply would overwrite what the webhook wrote");
        assertFalse(raw.has("type"), "a type could not be applied over an existing kubernetes.io/tls Secret");
    }

    @Test
    void bindsEachRoleToTheWebhooksServiceAccountOnly() {
        Rendered rendered = overlay();
        PodSpec pod = rendered.podSpec();
        Subject account = new Subject(null, "ServiceAccount", pod.getServiceAccountName(), namespace(rendered));
        Set<String> roles = rendered.all(Role.class).stream()
                .map(r -> "Role/" + r.getMetadata().getName())
                .collect(Collectors.toSet());
        Set<String> clusterRoles = rendered.all(ClusterRole.class).stream()
                .map(r -> "ClusterRole/" + r.getMetadata().getName())
                .collect(Collectors.toSet());

        List<RoleBinding> bindings = rendered.all(RoleBinding.class);
        List<ClusterRoleBinding> clusterBindings = rendered.all(ClusterRoleBinding.class);

        assertEquals(
                roles, bindings.stream().map(b -> reference(b.getRoleRef())).collect(Collectors.toSet()));
        assertEquals(
                clusterRoles,
                clusterBindings.stream().map(b -> reference(b.getRoleRef())).collect(Collectors.toSet()));
        bindings.forEach(b ->
                assertEquals(List.of(account), b.getSubjects(), b.getMetadata().getName()));
        bindings.forEach(b -> assertEquals(namespace(rendered), b.getMetadata().getNamespace()));
        clusterBindings.forEach(b ->
                assertEquals(List.of(account), b.getSubjects(), b.getMetadata().getName()));
        assertEquals(
                4,
                rendered.objects().stream()
                        .filter(o -> WebhookPodTest.RBAC_KINDS.contains(o.getKind()))
                        .count());
    }

    private static String reference(RoleRef ref) {
        assertEquals("rbac.authorization.k8s.io", ref.getApiGroup());
        return ref.getKind() + "/" + ref.getName();
    }

    @Test
    void onlyThePodGetsAToken() {
        Rendered rendered = overlay();

        assertEquals(Boolean.TRUE, rendered.podSpec().getAutomountServiceAccountToken());
        assertEquals(Boolean.FALSE, rendered.only(ServiceAccount.class).getAutomountServiceAccountToken());
    }

    @Test
    void makesItsOwnCertificateInAWritableVolumeAndMountsNoSecret() {
        Rendered rendered = overlay();
        Container container = WebhookPodTest.webhook(rendered);
        String dir = WebhookPodTest.env(container, "PID1_TLS_DIR").orElseThrow();

        assertEquals(Optional.of("true"), WebhookPodTest.env(container, "PID1_TLS_AUTO"));
        assertEquals(Optional.empty(), WebhookPodTest.env(container, "PID1_TLS_CERT_FILE"));
        assertEquals(Optional.empty(), WebhookPodTest.env(container, "PID1_TLS_KEY_FILE"));
        assertEquals(
                List.of(),
                rendered.podSpec().getVolumes().stream()
                        .filter(v -> v.getSecret() != null)
                        .map(Volume::getName)
                        .toList());
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> dir.startsWith(m.getMountPath() + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(dir + " is on the read-only root file system"));
        assertNotNull(WebhookPodTest.volume(rendered.podSpec(), mount.getName()).getEmptyDir());
        assertTrue(mount.getReadOnly() == null || !mount.getReadOnly());
    }
}
