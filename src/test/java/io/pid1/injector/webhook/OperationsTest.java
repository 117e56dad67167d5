package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.core.EngineSettings;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.Outcome;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Health, metrics, TLS versions, the I/O transport and the engine failing: what an operator sees. */
@QuarkusTest
@WithTestResource(TlsFiles.class)
class OperationsTest extends ServedWebhookTest {

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Inject
    Vertx vertx;

    URI webhook() {
        return URI.create("https://localhost:" + base.getPort() + "/");
    }

    String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response.body();
    }

    @Test
    void ioRunsOnNativeEpoll() {
        assertTrue(
                vertx.isNativeTransportEnabled(),
                "native transport unavailable: " + vertx.unavailableNativeTransportCause());
    }

    @Test
    void healthIsOnThePlainManagementPort() throws Exception {
        URI plain = URI.create("http://127.0.0.1:" + management.getPort() + "/");
        assertTrue(get(plain.resolve("q/health/live")).contains("UP"));
        assertTrue(get(plain.resolve("q/health/ready")).contains("UP"));
        assertEquals(404, client.post("q/health/live", "").statusCode());
    }

    @Test
    void metricsCountRequestsFixesAndLatency() throws Exception {
        client.review("mutate", AdmissionEndpointTest.pod("gunicorn-sh-c"));
        client.post("mutate", "{");
        String metrics = get(URI.create("http://127.0.0.1:" + management.getPort() + "/q/metrics"));
        assertTrue(metrics.contains("pid1_requests_total{endpoint=\"mutate\",outcome=\"patched\"}"), metrics);
        assertTrue(metrics.contains("pid1_requests_total{endpoint=\"mutate\",outcome=\"bad_request\"}"), metrics);
        assertTrue(metrics.contains("pid1_fixes_total{fix=\"init\",server=\"gunicorn\"}"), metrics);
        assertTrue(metrics.contains("pid1_request_duration_seconds_bucket{endpoint=\"mutate\""), metrics);
    }

    @Test
    void metricsCountEveryContainerByItsOutcome() throws Exception {
        URI metrics = URI.create("http://127.0.0.1:" + management.getPort() + "/q/metrics");
        String before = get(metrics);
        client.review("audit", AdmissionEndpointTest.pod("three-outcomes"));
        String after = get(metrics);
        for (String outcome : java.util.List.of("fixed", "not-master-worker", "not-understood")) {
            assertEquals(containers(before, outcome) + 1, containers(after, outcome), outcome + " in " + after);
        }
        assertEquals(containers(before, "fine"), containers(after, "fine"), after);
    }

    /** The value of {@code pid1_containers_total{outcome=…}}; 0 when the line is missing. */
    private static double containers(String metrics, String outcome) {
        String prefix = "pid1_containers_total{outcome=\"" + outcome + "\"} ";
        return metrics.lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length())))
                .findFirst()
                .orElse(0);
    }

    @Test
    void onlyTls12AndNewerAreSpoken() throws Exception {
        var tls12 = new WebhookClient(webhook(), TlsFiles.dir.resolve(TlsMaterial.CA_FILE), "TLSv1.2");
        assertEquals(
                200,
                tls12.post(
                                "mutate",
                                WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"))
                                        .toString())
                        .statusCode());
        var tls11 = new WebhookClient(webhook(), TlsFiles.dir.resolve(TlsMaterial.CA_FILE), "TLSv1.1");
        assertThrows(IOException.class, () -> tls11.post("mutate", "{}"));
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        java.nio.file.Path other = java.nio.file.Files.createTempDirectory("other-ca");
        io.pid1.injector.tls.Certificates.create("pid1-injector", "pid1-system").writeTo(other);
        var stranger = new WebhookClient(webhook(), other.resolve(TlsMaterial.CA_FILE));
        assertThrows(SSLHandshakeException.class, () -> stranger.post("mutate", "{}"));
    }

    @Test
    void anEngineFailureAdmitsThePodUnchangedWithAWarning() throws Exception {
        QuarkusMock.installMockForType(
                new PodFixer(null, EngineSettings.defaults()) {
                    @Override
                    public Outcome fix(JsonNode pod, ImageFacts images) {
                        throw new IllegalStateException("boom");
                    }
                },
                PodFixer.class);
        JsonNode answer = client.review("mutate", AdmissionEndpointTest.pod("gunicorn-sh-c"));
        assertEquals(null, WebhookClient.patch(answer));
        assertEquals(
                AdmissionService.INTERNAL_ERROR, answer.path("warnings").path(0).asText());
        String metrics = get(URI.create("http://127.0.0.1:" + management.getPort() + "/q/metrics"));
        assertTrue(metrics.contains("pid1_requests_total{endpoint=\"mutate\",outcome=\"error\"}"), metrics);
    }
}
