package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Replacing the PEM files rotates the serving certificate without a restart or a failed request. */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@TestProfile(TlsReloadTest.FastReload.class)
class TlsReloadTest {

    public static class FastReload implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pid1.tls.reload-period", "1s");
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @Test
    void rotatedFilesAreServedToNewConnectionsWhileRequestsKeepSucceeding() throws Exception {
        URI webhook = URI.create("https://localhost:" + base.getPort() + "/");
        TlsMaterial old = TlsMaterial.readFrom(TlsFiles.dir);
        TlsMaterial rotated = Certificates.create("pid1-injector", "pid1-system");
        String review =
                WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c")).toString();

        HttpClient both = HttpClient.newBuilder()
                .sslContext(WebhookClient.trusting(old, rotated))
                .build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = both.send(post(webhook, review), HttpResponse.BodyHandlers.ofString());
                    (r.statusCode() == 200 ? ok : failed).incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        load.start();
        Thread.sleep(300);
        rotated.writeTo(TlsFiles.dir);

        HttpClient fresh = HttpClient.newBuilder()
                .sslContext(WebhookClient.trusting(rotated))
                .build();
        boolean served = false;
        for (int i = 0; i < 60 && !served; i++) {
            try {
                served = HttpClient.newBuilder()
                                .sslContext(WebhookClient.trusting(rotated))
                                .build()
                                .send(post(webhook, review), HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200;
            } catch (java.io.IOException e) {
                Thread.sleep(250);
            }
        }
        running.set(false);
        load.join();
        assertTrue(served, "the rotated certificate was never served");
        assertEquals(
                200,
                fresh.send(post(webhook, review), HttpResponse.BodyHandlers.ofString())
                        .statusCode());
        HttpClient onlyOld =
                HttpClient.newBuilder().sslContext(WebhookClient.trusting(old)).build();
        assertThrows(
                javax.net.ssl.SSLHandshakeException.class,
                () -> onlyOld.send(post(webhook, review), HttpResponse.BodyHandlers.ofString()));
        assertEquals(0, failed.get(), "requests failed during rotation; " + ok.get() + " succeeded");
        assertTrue(ok.get() > 0);
    }

    private static HttpRequest post(URI webhook, String body) {
        return HttpRequest.newBuilder(webhook.resolve("mutate"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
