package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM to the packaged server while 16 clients keep sending reviews over HTTP/2 (Vert.x' client),
 * half of them over 256 KiB (finished on a worker thread, so still in flight when a connection closes),
 * with one stream per connection (a new connection, handshake included, after each GOAWAY) and with 8
 * (kube-apiserver multiplexes too). Reviews keep being answered during the shutdown delay; a request may
 * be refused (connection closed before the handshake, a stream above a GOAWAY's last stream id, or
 * REFUSED_STREAM after the delay: kube-apiserver's client retries all three), but no review the server
 * started on (its uid is in the server's log) loses its answer, no answer is an error status, every
 * answered review has its line in the log (batched log writes are flushed at exit), and the process
 * exits 0 within delay + shutdown timeout.
 */
@Timeout(value = 120)
class ShutdownUnderLoadIT {

    static final int CLIENTS = 16;
    static final Duration DELAY = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    PackagedServer packaged;

    /** A request that did not get an answer, and how long after SIGTERM. */
    record Failure(String uid, String error, long millisAfterSignal) {}

    @AfterEach
    void stop() throws IOException {
        if (packaged != null) {
            packaged.close();
        }
    }

    @ParameterizedTest(name = "{0} streams per connection")
    @ValueSource(ints = {1, 8})
    void sigtermUnderLoadLosesNoReviewAndExitsZero(int streamsPerConnection) throws Exception {
        packaged = new PackagedServer();
        Process server = packaged.process;
        int port = packaged.port;
        Path ca = packaged.ca();
        packaged.awaitFirstAnswer();

        AtomicBoolean running = new AtomicBoolean(true);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger answeredInDelay = new AtomicInteger();
        List<Failure> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        long[] signalled = {Long.MAX_VALUE};
        List<Thread> clients = new ArrayList<>();
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ObjectNode large = pod.deepCopy();
        large.with("metadata").with("annotations").put("padding", "x".repeat(AdmissionService.INLINE_BYTES));
        Vertx vertx = Vertx.vertx();
        HttpClient http2 = vertx.createHttpClient(
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setSsl(true)
                        .setUseAlpn(true)
                        .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                        .setHttp2MultiplexingLimit(streamsPerConnection)
                        .setDefaultHost("localhost")
                        .setDefaultPort(port)
                        .setConnectTimeout(5000),
                new PoolOptions().setHttp2MaxSize(CLIENTS / streamsPerConnection));
        for (int i = 0; i < CLIENTS; i++) {
            ObjectNode sent = i % 2 == 0 ? pod : large;
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    ObjectNode review = WebhookClient.review(sent.deepCopy());
                    String uid = review.path("request").path("uid").asText();
                    try {
                        int status = http2.request(HttpMethod.POST, "/mutate")
                                .compose(request -> request.putHeader("Content-Type", "application/json")
                                        .send(review.toString()))
                                .compose(response -> response.body().map(body -> response.statusCode()))
                                .toCompletionStage()
                                .toCompletableFuture()
                                .get(10, TimeUnit.SECONDS);
                        statuses.merge(status, 1, Integer::sum);
                        if (status == 200) {
                            answered.add(uid);
                            long after = System.nanoTime() - signalled[0];
                            if (after > 0 && after < DELAY.toNanos()) {
                                answeredInDelay.incrementAndGet();
                            }
                        } else {
                            fail(failures, uid, "HTTP " + status, signalled[0]);
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        fail(failures, uid, String.valueOf(e.getCause()), signalled[0]);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.start();
            clients.add(thread);
        }
        Thread.sleep(1500);
        signalled[0] = System.nanoTime();
        server.destroy();
        boolean exited = server.waitFor(DELAY.plus(TIMEOUT).toSeconds() + 5, TimeUnit.SECONDS);
        Thread.sleep(500);
        running.set(false);
        for (Thread thread : clients) {
            thread.join(15_000);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertTrue(exited, "the server did not exit within delay + shutdown timeout");
        assertEquals(0, server.exitValue(), "exit code");
        String served = packaged.output();
        String summary = answered.size() + " answered, statuses " + statuses + ", failures " + failures.size();
        synchronized (failures) {
            assertTrue(failures.size() > 0, "no request was refused after the server stopped; " + summary);
            for (Failure failure : failures) {
                assertTrue(
                        !served.contains("uid=" + failure.uid() + " "),
                        "the server started on a review whose answer was lost: " + failure + "; " + summary);
            }
        }
        for (String uid : answered) {
            assertTrue(
                    served.contains("uid=" + uid + " "),
                    "an answered review has no line in the server's log: " + uid + " (buffered lines lost at exit?); "
                            + summary);
        }
        assertTrue(answeredInDelay.get() > 0, "no review was answered during the shutdown delay; " + summary);
        assertTrue(statuses.keySet().equals(Set.of(200)), summary);
    }

    private static void fail(List<Failure> failures, String uid, String error, long signalled) {
        synchronized (failures) {
            failures.add(new Failure(uid, error, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)));
        }
    }
}
