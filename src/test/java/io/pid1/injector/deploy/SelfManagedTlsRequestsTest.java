package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pid1.injector.tls.auto.AutoTls;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-managed TLS started against the objects deploy/overlays/self-managed-tls installs (fabric8's
 * mock API server in CRUD mode, which checks no RBAC): every request it sends is one the overlay's
 * Role or ClusterRole allows, by verb, resource and name.
 */
@EnableKubernetesMockClient(crud = true)
class SelfManagedTlsRequestsTest {

    /** {@code /api/v1/namespaces/NS/secrets/NAME} or {@code /apis/GROUP/VERSION/RESOURCE/NAME}, query dropped. */
    private static final Pattern PATH = Pattern.compile("/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)"
            + "(?:/namespaces/(?<namespace>[^/]+))?/(?<resource>[^/?]+)(?:/(?<name>[^/?]+))?.*");

    private static final Map<String, String> VERBS =
            Map.of("GET", "get", "PUT", "update", "PATCH", "patch", "POST", "create", "DELETE", "delete");

    KubernetesMockServer server;
    KubernetesClient client;

    /** One request as RBAC sees it. */
    private record Access(String verb, String group, String namespace, String resource, String name) {

        static Access of(RecordedRequest request) {
            Matcher path = PATH.matcher(request.getPath());
            assertTrue(path.matches(), request.getPath());
            String group = path.group("group") == null ? "" : path.group("group");
            return new Access(
                    VERBS.get(request.getMethod()),
                    group,
                    path.group("namespace"),
                    path.group("resource"),
                    path.group("name"));
        }

        boolean allowedBy(PolicyRule rule) {
            return rule.getVerbs().contains(verb)
                    && rule.getApiGroups().contains(group)
                    && rule.getResources().contains(resource)
                    && (rule.getResourceNames() == null
                            || rule.getResourceNames().isEmpty()
                            || name != null && rule.getResourceNames().contains(name));
        }
    }

    private static boolean allowed(Rendered rendered, Access access) {
        boolean cluster = rendered.all(ClusterRole.class).stream()
                .flatMap(role -> role.getRules().stream())
                .anyMatch(access::allowedBy);
        boolean namespaced = rendered.all(Role.class).stream()
                .filter(role -> role.getMetadata().getNamespace().equals(access.namespace()))
                .flatMap(role -> role.getRules().stream())
                .anyMatch(access::allowedBy);
        return cluster || namespaced;
    }

    @Test
    void everyRequestOfAFirstStartIsAllowedByTheOverlaysRbac(@TempDir Path dir) throws InterruptedException {
        Rendered rendered = Rendered.of(Rendered.SELF_MANAGED_TLS);
        client.resource(rendered.only(Secret.class)).create();
        client.resource(rendered.only(MutatingWebhookConfiguration.class)).create();
        String namespace = rendered.deployment().getMetadata().getNamespace();
        AutoTlsTarget target = new AutoTlsTarget(
                namespace,
                rendered.service().getMetadata().getName(),
                AutoTlsTarget.DEFAULT_SECRET,
                AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION);
        int before = server.getRequestCount();

        AutoTls.Outcome outcome = AutoTls.start(client, target, dir);

        List<Access> accesses = new ArrayList<>();
        for (int i = 0, all = server.getRequestCount(); i < all; i++) {
            RecordedRequest request = server.takeRequest();
            if (i >= before) {
                accesses.add(Access.of(request));
            }
        }
        assertEquals(List.of("mutate.pid1.io", "audit.pid1.io"), outcome.patched());
        assertEquals(
                Set.of("get", "update", "patch"),
                accesses.stream().map(Access::verb).collect(Collectors.toSet()),
                "the shipped Secret is filled, never created: " + accesses);
        accesses.forEach(access -> assertTrue(allowed(rendered, access), access + " is not granted"));
    }
}
