package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.shim.ContainerSpec;
import io.pid1.injector.shim.ShimConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the webhook writes into the {@code pid1-shim} sidecar is what the shim reads (its parser is
 * strict), and each preStop presents the drain token that the shim checks.
 */
class ShimContractTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "100-shim-gunicorn",
                "101-shim-nginx-and-celery",
                "103-shim-pod-root-container-uid",
                "104-shim-uid-from-image",
                "106-shim-reinvocation-keeps-token"
            })
    void theSidecarConfigParsesInTheShim(String golden) throws Exception {
        JsonNode pod = GoldenTest.YAML.readTree(
                Path.of("src/test/resources/golden", golden, "out.yaml").toFile());
        JsonNode shim = pod.path("spec").path("initContainers").path(0);
        assertEquals("pid1-shim", shim.path("name").asText());
        assertEquals("Always", shim.path("restartPolicy").asText());
        String json = shim.path("env").path(0).path("value").asText();
        ShimConfig config = ShimConfig.parse(json);
        assertEquals(ShimFix.PORT, config.port());
        List<String> supervised =
                config.containers().stream().map(ContainerSpec::name).toList();
        List<String> containers = new ArrayList<>();
        for (JsonNode container : pod.path("spec").path("containers")) {
            String name = container.path("name").asText();
            containers.add(name);
            assertEquals(
                    "/workers/" + name,
                    container.path("livenessProbe").path("httpGet").path("path").asText());
            JsonNode drain = container.path("lifecycle").path("preStop").path("httpGet");
            assertEquals("/drain/" + name, drain.path("path").asText());
            assertEquals(
                    "Authorization",
                    drain.path("httpHeaders").path(0).path("name").asText());
            assertEquals(
                    "Bearer " + config.drainToken(),
                    drain.path("httpHeaders").path(0).path("value").asText(),
                    "the kubelet presents the token the shim expects");
        }
        assertEquals(containers, supervised);
    }
}
