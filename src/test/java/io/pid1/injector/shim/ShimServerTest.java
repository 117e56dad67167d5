package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShimServerTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String TOKEN = "ServerTestDrainToken-0123";
    private static final String CONFIG = """
            {"host": "127.0.0.1", "port": %d, "drainToken": "ServerTestDrainToken-0123", "containers": [
              {"name": "web", "argv": ["gunicorn", "app:app", "-w", "2"], "workers": 2,
               "gracefulSeconds": 0.3, "drainSeconds": 0.4},
              {"name": "proxy", "argv": ["nginx", "-g", "daemon off;"], "gracefulSignal": "SIGQUIT",
               "gracefulSeconds": 1, "drainSeconds": 0}]}""";

    @TempDir
    Path root;

    private FakeProc proc;
    private Shim shim;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        proc = new FakeProc(root)
                .add(1, 0, 'S', 1, "/pause")
                .add(10, 0, 'S', 5, "gunicorn", "app:app", "-w", "2")
                .add(11, 10, 'S', 6, "gunicorn", "app:app", "-w", "2")
                .add(12, 10, 'S', 7, "gunicorn", "app:app", "-w", "2")
                .add(20, 0, 'S', 8, "nginx: master process nginx -g daemon off;")
                .add(21, 20, 'S', 9, "nginx: worker process");
        Signaller signaller = (pid, signal) -> {
            sent.add(signal + " " + pid);
            if (signal == Signal.QUIT) {
                proc.remove(21);
                proc.remove(20);
            }
        };
        shim = new Shim(ShimConfig.parse(String.format(CONFIG, 0)), proc.procFs(), signaller);
        shim.start();
    }

    @AfterEach
    void stop() throws Exception {
        shim.stop(Duration.ZERO);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, "Bearer " + TOKEN);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            nullValues = "none",
            value = {
                "none",
                "Bearer",
                "Bearer ",
                "Bearer ServerTestDrainToken-012",
                "Bearer ServerTestDrainToken-01234",
                "bearer ServerTestDrainToken-0123",
                "ServerTestDrainToken-0123",
                "Basic U2VydmVyVGVzdERyYWluVG9rZW4tMDEyMw==",
            })
    void aDrainWithoutThePodsTokenIsRefusedAndSignalsNothing(String authorization) throws Exception {
        for (String path : List.of("/drain/web", "/drain/proxy", "/drain/db")) {
            HttpResponse<String> response = get(path, authorization);
            assertEquals(403, response.statusCode(), path);
            assertEquals("drain needs the pod's drain token\n", response.body());
        }
        assertEquals(List.of(), sent);
        assertEquals(200, get("/workers/proxy", authorization).statusCode(), "health needs no token");
        assertEquals(200, get("/healthz", authorization).statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/healthz | 200 | ok",
                "/workers/web | 200 | master 10 alive, 2/2 workers live",
                "/workers/proxy | 200 | master 20 alive, 1/1 workers live",
                "/workers/db | 404 | no container named \"db\"",
                "/workers/ | 404 | no container named \"\"",
                "/workers | 404 | no container named \"\"",
                "/metrics | 404 | unknown path; use /workers/<container>, /drain/<container> or /healthz",
            })
    void answersOneLine(String path, int status, String body) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(status, response.statusCode());
        assertEquals(body + "\n", response.body());
        assertEquals(
                "text/plain; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void workersTurnUnhealthyAsSoonAsAWorkerStops() throws Exception {
        proc.add(12, 10, 'T', 7, "gunicorn", "app:app", "-w", "2");
        HttpResponse<String> response = get("/workers/web");
        assertEquals(503, response.statusCode());
        assertEquals("master 10 alive, 1/2 workers live (0 exited, 1 stopped)\n", response.body());
    }

    @Test
    void drainSendsEachServersOwnSignal() throws Exception {
        HttpResponse<String> proxy = get("/drain/proxy");
        assertEquals(200, proxy.statusCode());
        assertTrue(proxy.body().startsWith("drained: master 20 exited"), proxy.body());
        HttpResponse<String> web = get("/drain/web");
        assertEquals("drained: master 10 still running 2.3 s after SIGTERM\n", web.body());
        assertEquals(List.of("SIGQUIT 20", "SIGTERM 10"), sent);
        assertEquals(503, get("/workers/proxy").statusCode());
    }

    @Test
    void anUnreadableProcIsAnErrorAnswerNotADroppedConnection() throws Exception {
        shim.stop(Duration.ZERO);
        shim = new Shim(
                ShimConfig.parse(String.format(CONFIG, 0)), new ProcFs(root.resolve("missing")), (pid, s) -> {});
        shim.start();
        HttpResponse<String> response = get("/workers/web");
        assertEquals(500, response.statusCode());
        assertTrue(response.body().startsWith("error: cannot list "), response.body());
    }

    @Test
    void onlyGetAndHead() throws Exception {
        HttpResponse<String> post = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.port() + "/drain/web"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(List.of(), sent);
        HttpResponse<String> head = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.port() + "/workers/web"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        HttpResponse<String> headDrain = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.port() + "/drain/proxy"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, headDrain.statusCode());
        assertEquals(List.of(), sent, "only a GET drains");
    }

    @Test
    void stoppingLetsADrainInProgressFinishAndAnswer() throws Exception {
        assertEquals(200, get("/healthz").statusCode());
        CompletableFuture<HttpResponse<String>> drain = CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.port() + "/drain/web"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(250);
        long started = System.nanoTime();
        shim.stop(Duration.ofSeconds(5));
        long millis = (System.nanoTime() - started) / 1_000_000;
        HttpResponse<String> response = drain.get(1, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("drained: master 10 still running 2.3 s after SIGTERM\n", response.body());
        assertTrue(millis >= 2000 && millis < 10_000, "stop waited for the drain: " + millis + " ms");
    }
}
