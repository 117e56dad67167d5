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

    int status(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
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

    /**
     * The JVM's and the system's meters, which {@code JvmMeters} binds after the warm-up instead of Quarkus while it
     * boots: the names Quarkus's own binders exported, there once the webhook reports ready.
     */
    @Test
    void theJvmAndSystemMetersAreExportedOnceReady() throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + management.getPort() + "/q/health/ready");
        for (int poll = 0; poll < 300 && status(ready) != 200; poll++) {
            Thread.sleep(100);
        }
        String metrics = get(URI.create("http://127.0.0.1:" + management.getPort() + "/q/metrics"));
        for (String name : java.util.List.of(
                "jvm_buffer_count_buffers",
                "jvm_classes_loaded_classes",
                "jvm_classes_unloaded_classes_total",
                "jvm_gc_live_data_size_bytes",
                "jvm_gc_max_data_size_bytes",
                "jvm_gc_memory_allocated_bytes_total",
                "jvm_gc_overhead",
                "jvm_info_total",
                "jvm_memory_committed_bytes",
                "jvm_memory_max_bytes",
                "jvm_memory_usage_after_gc",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "jvm_threads_peak_threads",
                "jvm_threads_states_threads",
                "process_cpu_usage",
                "process_cpu_time_ns_total",
                "process_files_open_files",
                "process_start_time_seconds",
                "process_uptime_seconds",
                "system_cpu_count",
                "system_load_average_1m")) {
            assertTrue(
                    metrics.contains("\n" + name + "{") || metrics.contains("\n" + name + " "),
                    name + " in " + metrics);
        }
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
