package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicy of every deploy/ directory: it selects the webhook's pods, admits the webhook
 * port from any source (or, with deploy/README.md's patch, the API server's addresses only), the
 * management port from the monitoring namespace, and nothing else; it leaves egress alone.
 */
class NetworkPolicyTest {

    private static final String DIRECTORIES = "io.pid1.injector.deploy.Rendered#deployDirectories";

    /** The container port a NetworkPolicy port names, by number or by the container's port name. */
    private static int port(Container container, NetworkPolicyPort port) {
        assertEquals("TCP", port.getProtocol());
        return Ports.containerPort(container, port.getPort());
    }

    private static List<Integer> ports(Container container, NetworkPolicyIngressRule rule) {
        assertFalse(rule.getPorts().isEmpty(), "a rule without ports opens every port");
        return rule.getPorts().stream().map(p -> port(container, p)).toList();
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void selectsTheWebhooksPodsAndLeavesEgressAlone(Path directory) {
        Rendered rendered = Rendered.of(directory);
        NetworkPolicy policy = rendered.only(NetworkPolicy.class);
        Map<String, String> labels =
                rendered.deployment().getSpec().getTemplate().getMetadata().getLabels();

        assertEquals(
                rendered.deployment().getMetadata().getNamespace(),
                policy.getMetadata().getNamespace());
        assertTrue(LabelSelectors.matches(policy.getSpec().getPodSelector(), labels));
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void admitsTheWebhookPortFromAnySourceAndTheManagementPortFromMonitoring(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = WebhookPodTest.webhook(rendered);
        List<NetworkPolicyIngressRule> rules =
                rendered.only(NetworkPolicy.class).getSpec().getIngress();

        assertEquals(2, rules.size());
        assertEquals(List.of(8443), ports(container, rules.get(0)));
        assertTrue(rules.get(0).getFrom().isEmpty(), "the API server's addresses differ per cluster");
        assertEquals(List.of(9090), ports(container, rules.get(1)));
        NetworkPolicyPeer monitoring = rules.get(1).getFrom().get(0);
        assertEquals(1, rules.get(1).getFrom().size());
        assertEquals(
                Map.of("kubernetes.io/metadata.name", "monitoring"),
                monitoring.getNamespaceSelector().getMatchLabels());
        assertEquals(null, monitoring.getPodSelector(), "every pod of that namespace");
        assertEquals(
                Integer.parseInt(
                        WebhookPodTest.env(container, "PID1_WEBHOOK_PORT").orElseThrow()),
                Ports.containerPort(container, new IntOrString("https")));
    }

    /** deploy/README.md's patch, rendered as written two levels below the project, admits the API server only. */
    @Test
    void readmePatchAdmitsTheWebhookPortFromTheApiServerOnly() throws IOException {
        Matcher block = Pattern.compile("<!-- apiserver-ingress -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("deploy", "README.md")));
        assertTrue(block.find(), "deploy/README.md has the marked example");
        Path dir = Files.createDirectories(Path.of("target", "readme-apiserver-ingress"));
        Files.writeString(dir.resolve("kustomization.yaml"), block.group(1));

        Rendered rendered = Rendered.render(dir);
        Container container = WebhookPodTest.webhook(rendered);
        List<NetworkPolicyIngressRule> rules =
                rendered.only(NetworkPolicy.class).getSpec().getIngress();

        assertEquals(List.of(8443), ports(container, rules.get(0)));
        assertFalse(rules.get(0).getFrom().isEmpty());
        rules.get(0).getFrom().forEach(peer -> {
            assertTrue(peer.getIpBlock() != null && peer.getIpBlock().getCidr() != null, "addresses only: " + peer);
            assertEquals(null, peer.getNamespaceSelector());
            assertEquals(null, peer.getPodSelector());
        });
        assertEquals(List.of(9090), ports(container, rules.get(1)), "the management rule is kept");
    }
}
