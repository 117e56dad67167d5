package io.pid1.injector.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GracefulStop} in front of a real Vert.x server (HTTP/2 without TLS, and HTTP/1.1): what a review
 * gets in each phase, and when the process is let go. {@code /hold} answers only once the test says so.
 */
@Timeout(30)
class GracefulStopTest {

    static final Duration FOREVER = Duration.ofHours(1);

    final Vertx vertx = Vertx.vertx();
    final CountDownLatch exited = new CountDownLatch(1);
    final AtomicInteger started = new AtomicInteger();
    final CompletableFuture<Void> release = new CompletableFuture<>();
    final CountDownLatch holding = new CountDownLatch(1);
    GracefulStop stop;
    HttpServer server;

    void serve(Duration delay, Duration timeout) throws Exception {
        stop = new GracefulStop(delay, timeout, exited::countDown);
        Router router = Router.router(vertx);
        stop.install(router);
        router.post("/mutate").handler(ctx -> {
            started.incrementAndGet();
            ctx.response().end("answered");
        });
        router.post("/hold").handler(ctx -> {
            started.incrementAndGet();
            holding.countDown();
            release.thenRun(() -> ctx.response().end("answered late"));
        });
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        release.complete(null);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    HttpClient client(HttpVersion version) {
        return vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(server.actualPort()));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Future<HttpClientResponse> post(HttpClient client, String path) {
        return client.request(HttpMethod.POST, path)
                .compose(request -> request.send("{}"))
                .compose(response -> response.body().map(body -> response));
    }

    @Test
    void servingAnswersAndIsReady() throws Exception {
        serve(FOREVER, FOREVER);

        assertEquals(200, await(post(client(HttpVersion.HTTP_2), "/mutate")).statusCode());
        assertEquals(HealthCheckResponse.Status.UP, stop.call().getStatus());
    }

    @Test
    void drainingAnswersThenSendsTheHttp2ConnectionAwayInTwoStepsAndIsNotReady() throws Exception {
        serve(FOREVER, FOREVER);
        HttpClient client = client(HttpVersion.HTTP_2);
        List<Integer> goAways = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        client.connectionHandler(connection -> connection
                .goAwayHandler(away -> goAways.add(away.getLastStreamId()))
                .closeHandler(none -> closed.countDown()));
        assertEquals(200, await(post(client, "/mutate")).statusCode());
        assertTrue(goAways.isEmpty(), "sent away while serving");

        stop.begin();
        HttpClientResponse answer = await(post(client, "/mutate"));

        assertEquals(200, answer.statusCode());
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the connection was not closed after the second step");
        assertEquals(List.of(Integer.MAX_VALUE), goAways, "the first GOAWAY takes every stream already sent");
        assertEquals(HealthCheckResponse.Status.DOWN, stop.call().getStatus());
        assertEquals(1, exited.getCount(), "exited while draining");
    }

    @Test
    void drainingAnswersHttp11WithConnectionClose() throws Exception {
        serve(FOREVER, FOREVER);
        stop.begin();

        HttpClientResponse answer = await(post(client(HttpVersion.HTTP_1_1), "/mutate"));

        assertEquals(200, answer.statusCode());
        assertEquals("close", answer.getHeader("Connection"));
    }

    @Test
    void closedRefusesAnHttp2StreamBeforeAnyWorkAndLetsTheProcessGo() throws Exception {
        serve(Duration.ZERO, FOREVER);
        stop.begin();
        assertTrue(exited.await(10, TimeUnit.SECONDS), "nothing in flight, yet not let go");

        ExecutionException refused =
                assertThrows(ExecutionException.class, () -> await(post(client(HttpVersion.HTTP_2), "/mutate")));

        StreamResetException reset = assertInstanceOf(StreamResetException.class, refused.getCause());
        assertEquals(0x7, reset.getCode(), "REFUSED_STREAM, which clients retry elsewhere");
        assertEquals(0, started.get(), "the endpoint was reached");
    }

    @Test
    void closedAnswersHttp11With503() throws Exception {
        serve(Duration.ZERO, FOREVER);
        stop.begin();
        assertTrue(exited.await(10, TimeUnit.SECONDS));

        HttpClientResponse answer = await(post(client(HttpVersion.HTTP_1_1), "/mutate"));

        assertEquals(503, answer.statusCode());
        assertEquals(0, started.get(), "the endpoint was reached");
    }

    @Test
    void aReviewInFlightIsAnsweredBeforeTheProcessIsLetGo() throws Exception {
        serve(Duration.ZERO, FOREVER);
        Future<HttpClientResponse> late = post(client(HttpVersion.HTTP_2), "/hold");
        assertTrue(holding.await(10, TimeUnit.SECONDS));

        stop.begin();
        assertFalse(exited.await(500, TimeUnit.MILLISECONDS), "let go with a review in flight");
        release.complete(null);

        assertEquals(200, await(late).statusCode());
        assertTrue(exited.await(10, TimeUnit.SECONDS), "not let go once the review was answered");
    }

    @Test
    void aReviewStuckPastTheTimeoutDoesNotHoldTheProcess() throws Exception {
        serve(Duration.ZERO, Duration.ofMillis(300));
        post(client(HttpVersion.HTTP_2), "/hold");
        assertTrue(holding.await(10, TimeUnit.SECONDS));

        stop.begin();

        assertTrue(exited.await(10, TimeUnit.SECONDS), "held past the timeout");
    }
}
