package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/components/egress-policy added to the base: the webhook's pods reach DNS and HTTPS, never metadata. */
class EgressPolicyComponentTest {

    /** The component's policy; the base has its own, for ingress. */
    private static JsonNode policy(Rendered rendered) {
        List<JsonNode> found = rendered.documents("NetworkPolicy").stream()
                .filter(policy ->
                        policy.path("spec").path("policyTypes").toString().contains("Egress"))
                .toList();
        assertEquals(1, found.size(), "one egress NetworkPolicy");
        return found.get(0);
    }

    private static Rendered withComponent() throws IOException {
        Path overlay = Files.createDirectories(Path.of("target", "egress-policy-overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../../deploy/base]
                components: [../../deploy/components/egress-policy]
                """);
        Rendered.of(Path.of("deploy", "base")); // skips the test where kubectl is missing, as for the overlays
        return Rendered.render(overlay);
    }

    @Test
    void theWebhooksPodsGetOnlyDnsAndHttpsOutsideTheLinkLocalRange() throws IOException {
        Rendered rendered = withComponent();
        JsonNode spec = policy(rendered).path("spec");
        Map<String, String> podLabels = rendered.only(Deployment.class)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        spec.path("podSelector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(label -> assertEquals(
                        podLabels.get(label.getKey()), label.getValue().asText()));
        assertEquals("[\"Egress\"]", spec.path("policyTypes").toString());
        List<String> ports = new ArrayList<>();
        for (JsonNode rule : spec.path("egress")) {
            rule.path("ports").forEach(port -> ports.add(port.path("protocol").asText() + "/" + port.path("port")));
            for (JsonNode peer : rule.path("to")) {
                JsonNode block = peer.path("ipBlock");
                String except = block.path("except").toString();
                switch (block.path("cidr").asText("")) {
                    case "" -> assertTrue(peer.has("namespaceSelector"), "a peer is a block or a selector");
                    case "0.0.0.0/0" -> assertTrue(except.contains("\"169.254.0.0/16\""), except);
                    case "::/0" ->
                        assertTrue(
                                except.contains("\"fe80::/10\"") && except.contains("\"fd00:ec2::254/128\""), except);
                    default -> throw new AssertionError("unexpected block " + block);
                }
            }
        }
        assertEquals(List.of("UDP/53", "TCP/53", "TCP/443", "TCP/6443"), ports);
    }
}
