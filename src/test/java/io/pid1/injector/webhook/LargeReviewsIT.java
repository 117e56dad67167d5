package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged server with the Deployment's own JVM options and malloc setting, sent the reviews that
 * once ended it with {@code OutOfMemoryError}: a pod of 10,000 containers (2.4 MB), four pods of 5,000,
 * and a 3 MiB pod of 40 containers that is analysed, all at once, three times. The process stays up,
 * every answer is an allowed AdmissionReview with the request's uid, and its peak resident memory
 * ({@code VmHWM}) stays under the Deployment's 384 MiB limit.
 */
@Timeout(value = 300)
class LargeReviewsIT {

    static final long MEMORY_LIMIT_KIB = 384 * 1024;
    static final Path DEPLOYMENT = Path.of("deploy/base/deployment.yaml");

    @Test
    void largeReviewsInParallelKeepTheServerUpAndUnderItsMemoryLimit() throws Exception {
        List<String> reviews = new ArrayList<>();
        reviews.add(WebhookClient.review(pod(10_000, 0)).toString());
        for (int i = 0; i < 4; i++) {
            reviews.add(WebhookClient.review(pod(5_000, 0)).toString());
        }
        reviews.add(WebhookClient.review(pod(40, 75 * 1024)).toString());
        ExecutorService clients = Executors.newFixedThreadPool(reviews.size());
        try (PackagedServer server = new PackagedServer(deploymentEnvironment())) {
            WebhookClient client = server.awaitFirstAnswer();
            for (int round = 0; round < 3; round++) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String review : reviews) {
                    answers.add(
                            clients.submit(() -> client.post("mutate?timeout=10s", review, Duration.ofSeconds(30))));
                }
                for (int i = 0; i < answers.size(); i++) {
                    assertAllowed(reviews.get(i), answers.get(i).get(), server);
                }
            }
            assertTrue(server.process.isAlive(), server.output());
            long peak = peakResidentKib(server.process.pid());
            assertTrue(peak < MEMORY_LIMIT_KIB, "peak RSS " + peak / 1024 + " MiB; output:\n" + server.output());
            client.review("mutate", AdmissionEndpointTest.pod("gunicorn-sh-c"));
        } finally {
            clients.shutdownNow();
        }
    }

    private static void assertAllowed(String review, HttpResponse<String> response, PackagedServer server)
            throws IOException {
        assertEquals(200, response.statusCode(), () -> response.body() + output(server));
        JsonNode answer = WebhookClient.JSON.readTree(response.body());
        assertEquals("AdmissionReview", answer.path("kind").asText());
        assertEquals(
                WebhookClient.JSON.readTree(review).path("request").path("uid").asText(),
                answer.path("response").path("uid").asText());
        assertTrue(answer.path("response").path("allowed").asBoolean(), response.body());
    }

    private static String output(PackagedServer server) {
        try {
            return "\n" + server.output();
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code containers} gunicorn containers, each with {@code envBytes} of environment. */
    static ObjectNode pod(int containers, int envBytes) throws IOException {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode list = (ArrayNode) pod.path("spec").path("containers");
        ObjectNode template = (ObjectNode) list.get(0);
        if (envBytes > 0) {
            template.putArray("env").addObject().put("name", "PADDING").put("value", "x".repeat(envBytes));
        }
        list.removeAll();
        for (int i = 0; i < containers; i++) {
            list.add(template.deepCopy().put("name", "web" + i));
        }
        return pod;
    }

    /** The Deployment's {@code JAVA_TOOL_OPTIONS} and {@code MALLOC_ARENA_MAX}, read from its manifest. */
    static Map<String, String> deploymentEnvironment() throws IOException {
        String manifest = Files.readString(DEPLOYMENT);
        Map<String, String> environment = new LinkedHashMap<>();
        for (String name : List.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX")) {
            Matcher value = Pattern.compile("- name: " + name + "\\s*\\n\\s*value: \"?([^\"\\n]+)")
                    .matcher(manifest);
            assertTrue(value.find(), name + " is not in " + DEPLOYMENT);
            environment.put(name, value.group(1).strip());
        }
        return environment;
    }

    /** The process's peak resident set ({@code VmHWM} in {@code /proc/<pid>/status}), in KiB. */
    static long peakResidentKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM for process " + pid);
    }
}
