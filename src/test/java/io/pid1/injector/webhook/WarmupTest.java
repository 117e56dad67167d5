package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pid1.injector.server.Warmup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The review run at start goes through every default fix, and readiness waits for it, whatever its outcome. */
@QuarkusTest
@WithTestResource(TlsFiles.class)
class WarmupTest {

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Inject
    AdmissionService service;

    @Inject
    ObjectMapper json;

    @Test
    void theWarmUpReviewTakesEveryDefaultFix() throws Exception {
        Answer answer = service.warmUp(AdmissionService.WARM_UP_REVIEW);
        List<String> paths = new ArrayList<>();
        for (JsonNode operation : answer.patch().orElseThrow()) {
            paths.add(operation.path("path").asText());
        }
        String all = String.join(" ", paths);
        for (String part : List.of(
                "/initContainers",
                "/command",
                "/workingDir",
                "/livenessProbe",
                "/readinessProbe",
                "/lifecycle",
                "/terminationGracePeriodSeconds")) {
            assertTrue(all.contains(part), part + " not in " + all);
        }
        assertEquals(
                "pid1-warm-up",
                json.readTree(answer.write(json)).path("response").path("uid").asText());
    }

    @Test
    void readinessReportsTheWarmUpDone() throws Exception {
        List<String> checks = List.of();
        for (int poll = 0; poll < 300 && !checks.contains("warm-up=UP"); poll++) {
            Thread.sleep(poll == 0 ? 0 : 100);
            checks = readiness();
        }
        assertTrue(checks.contains("warm-up=UP"), checks.toString());
    }

    private List<String> readiness() throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + management.getPort() + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        List<String> checks = new ArrayList<>();
        json.readTree(ready.body())
                .path("checks")
                .forEach(check -> checks.add(
                        check.path("name").asText() + "=" + check.path("status").asText()));
        return checks;
    }

    @Test
    void notReadyBeforeTheWarmUpAndReadyAfterOneThatFailed() {
        Warmup warmup = new Warmup();
        assertEquals(HealthCheckResponse.Status.DOWN, warmup.call().getStatus());
        warmup.run(
                () -> {
                    throw new IllegalStateException("no service");
                },
                () -> {});
        assertEquals(HealthCheckResponse.Status.UP, warmup.call().getStatus());
    }
}
