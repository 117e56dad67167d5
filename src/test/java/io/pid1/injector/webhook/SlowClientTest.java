package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a byte a second neither starves the others nor keeps its connection: headers
 * trickled are cut by the idle timeout, a body trickled by the read deadline. The timeouts are
 * shortened here to keep the test fast; {@link #productionTimeoutsAreShort} pins the real ones.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@TestProfile(SlowClientTest.ShortTimeouts.class)
class SlowClientTest {

    static final Duration IDLE = Duration.ofSeconds(3);
    static final Duration READ = Duration.ofSeconds(2);

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.idle-timeout",
                    IDLE.toSeconds() + "s",
                    "quarkus.http.read-timeout",
                    READ.toSeconds() + "s");
        }
    }

    static final String HEAD = "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: 200\r\n\r\n";

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    WebhookClient client;
    String review;

    @BeforeEach
    void connect() throws Exception {
        client = new WebhookClient(
                URI.create("https://localhost:" + base.getPort() + "/"), TlsFiles.dir.resolve(TlsMaterial.CA_FILE));
        review =
                WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c")).toString();
        assertEquals(200, client.post("mutate", review).statusCode());
    }

    @Test
    void headersTrickledAByteASecondAreCutByTheIdleTimeoutWhileOthersAreServed() throws Exception {
        byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
        Duration held = whileOthersAreServed(() -> trickle(new byte[0], head));
        assertTrue(held.compareTo(IDLE.plusSeconds(4)) < 0, "the trickling connection was held " + held);
    }

    @Test
    void aBodyTrickledAByteASecondIsCutByTheReadDeadlineWhileOthersAreServed() throws Exception {
        byte[] body = review.substring(0, 100).getBytes(StandardCharsets.US_ASCII);
        Duration held = whileOthersAreServed(() -> trickle(HEAD.getBytes(StandardCharsets.US_ASCII), body));
        assertTrue(held.compareTo(READ.plusSeconds(4)) < 0, "the trickling connection was held " + held);
    }

    @Test
    void productionTimeoutsAreShort() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        assertEquals("30s", properties.getProperty("quarkus.http.idle-timeout"));
        assertEquals("10s", properties.getProperty("quarkus.http.read-timeout"));
    }

    /** Runs {@code slow} while reviews are posted one after another; each must be answered in under 2 s. */
    private Duration whileOthersAreServed(Callable<Duration> slow) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Duration> trickling = pool.submit(slow);
            int answered = 0;
            while (!trickling.isDone()) {
                long start = System.nanoTime();
                assertEquals(200, client.post("mutate", review).statusCode());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 2000, "a review took " + millis + " ms while a client trickled");
                answered++;
                Thread.sleep(100);
            }
            assertTrue(answered > 5, "only " + answered + " reviews were posted while the client trickled");
            return trickling.get(1, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends {@code prefix} at once, then {@code slow} a byte a second over a raw TLS socket, until the
     * server closes the connection (or 20 s pass); returns how long the connection stayed open.
     */
    private Duration trickle(byte[] prefix, byte[] slow) throws Exception {
        try (SSLSocket socket = (SSLSocket) WebhookClient.trusting(TlsMaterial.readFrom(TlsFiles.dir))
                .getSocketFactory()
                .createSocket("localhost", base.getPort())) {
            socket.setSoTimeout(1000);
            socket.startHandshake();
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(prefix);
            out.flush();
            for (int i = 0; i < 20; i++) {
                try {
                    out.write(slow[i % slow.length]);
                    out.flush();
                    if (socket.getInputStream().read() < 0) {
                        break;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    continue;
                } catch (IOException closed) {
                    break;
                }
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }
}
