package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Deployment sets no CPU limit, so the JVM would size itself by the node's cores: an event loop per
 * core twice over, as many buffer arenas, more compiler threads. On a 64-core node that took the webhook
 * to 368 MiB under load against its 384 MiB limit (bench/README.md, "The image"). A node's size is
 * played here by {@code -XX:ActiveProcessorCount=64} ahead of the Deployment's options, as the JVM would
 * have read it from the node.
 */
@Timeout(value = 120)
class NodeSizeIT {

    @Test
    void onASixtyFourCoreNodeTheWebhookSeesTwoProcessors() throws Exception {
        Map<String, String> environment = new HashMap<>(LargeReviewsIT.deploymentEnvironment());
        environment.merge(
                "JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=64", (deployment, node) -> node + " " + deployment);
        try (PackagedServer server = new PackagedServer(environment)) {
            server.awaitFirstAnswer();
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + server.managementPort + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("\nsystem_cpu_count 2.0\n"), "the processors the JVM sees:\n" + metrics);
        }
    }
}
