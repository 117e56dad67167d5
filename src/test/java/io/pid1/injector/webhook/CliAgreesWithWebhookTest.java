package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI and the webhook build the same engine from the same settings: the webhook configured by properties,
 * {@code pid1-injector mutate} (a process of its own) by the {@code PID1_*} environment variables, give the same
 * fixed pod. Settings unlike the defaults, so that a CLI that ignores them disagrees.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@TestProfile(CliAgreesWithWebhookTest.Configured.class)
class CliAgreesWithWebhookTest {

    static final Map<String, String> ENVIRONMENT = Map.of(
            "PID1_FIXES", "exec,init,prestop",
            "PID1_INIT_IMAGE", "registry.example/pid1-init:test",
            "PID1_DRAIN_SECONDS", "9");

    public static class Configured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "pid1.fixes",
                    ENVIRONMENT.get("PID1_FIXES"),
                    "pid1.init-image",
                    ENVIRONMENT.get("PID1_INIT_IMAGE"),
                    "pid1.drain-seconds",
                    ENVIRONMENT.get("PID1_DRAIN_SECONDS"));
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @Test
    void theCliAndTheWebhookFixAPodAlikeUnderTheSameSettings(@TempDir Path dir) throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        JsonNode byWebhook =
                JsonPatch.apply(WebhookClient.patch(WebhookClient.local(base).review("mutate", pod)), pod);
        assertEquals(
                "registry.example/pid1-init:test",
                byWebhook
                        .path("spec")
                        .path("initContainers")
                        .path(0)
                        .path("image")
                        .asText());
        assertTrue(
                byWebhook
                        .path("spec")
                        .path("containers")
                        .path(0)
                        .path("lifecycle")
                        .toString()
                        .contains("9"),
                byWebhook.toString());

        Path input = dir.resolve("pod.yaml");
        Files.writeString(input, AdmissionEndpointTest.YAML.writeValueAsString(pod));
        JsonNode byCli = AdmissionEndpointTest.YAML.readTree(mutate(input, dir.resolve("out.yaml")));
        assertEquals(byWebhook, byCli);
    }

    /** Runs {@code pid1-injector mutate --offline} in a JVM of its own, with {@link #ENVIRONMENT}. */
    private static String mutate(Path input, Path output) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.pid1.injector.cli.Main",
                        "mutate",
                        "--offline",
                        "-f",
                        input.toString())
                .redirectOutput(output.toFile())
                .redirectErrorStream(false);
        builder.environment().keySet().removeIf(name -> name.startsWith("PID1_"));
        builder.environment().putAll(ENVIRONMENT);
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "mutate did not finish");
        assertEquals(0, process.exitValue(), err);
        return Files.readString(output);
    }
}
