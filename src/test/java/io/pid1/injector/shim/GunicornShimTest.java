package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pid1.injector.testing.LoopbackPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim beside a real gunicorn (two gthread workers, one thread and one connection each) in one
 * PID namespace, as in a pod with {@code shareProcessNamespace}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GunicornShimTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String APP = """
            import time
            def app(environ, start_response):
                if environ.get('PATH_INFO') == '/hang':
                    time.sleep(30)
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [b'ok\\n']
            """;

    @TempDir
    Path dir;

    private int appPort;
    private int shimPort;
    private List<String> gunicorn;

    @BeforeEach
    void app() throws IOException {
        assumeTrue(PidNamespace.root(), "needs root to make a PID namespace (unshare --pid --mount-proc)");
        Files.writeString(dir.resolve("hangapp.py"), APP);
        appPort = LoopbackPorts.free();
        shimPort = LoopbackPorts.free();
        gunicorn = List.of(
                "gunicorn",
                "--chdir",
                dir.toString(),
                "hangapp:app",
                "-w",
                "2",
                "-k",
                "gthread",
                "--threads",
                "1",
                "--worker-connections",
                "1",
                "--graceful-timeout",
                "5",
                "-b",
                "127.0.0.1:" + appPort);
    }

    private PidNamespace start(double drainSeconds) throws Exception {
        String config = String.format(
                Locale.ROOT, """
                {"host": "127.0.0.1", "port": %d, "drainToken": "%s", "containers": [{"name": "web", "argv": %s,
                 "server": "gunicorn",
                 "workers": 2, "httpPort": %d, "gracefulSignal": "SIGTERM", "gracefulSeconds": 10,
                 "drainSeconds": %.1f}]}""", shimPort, PidNamespace.DRAIN_TOKEN, json(gunicorn), appPort, drainSeconds);
        PidNamespace ns = PidNamespace.start(dir, config, List.of(gunicorn));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (answer("/workers/web").statusCode() == 200) {
                    return ns;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        ns.close();
        throw new AssertionError("gunicorn and the shim did not come up:\n" + ns.log());
    }

    @Test
    void stoppedWorkersTurnTheContainerUnhealthyAtOnceWhileItsPortStillAccepts() throws Exception {
        try (PidNamespace ns = start(0)) {
            HttpResponse<String> healthy = answer("/workers/web");
            assertTrue(
                    healthy.body().matches("master \\d+ alive, 2/2 workers live, http 200 in \\d+ ms\n"),
                    healthy.body());
            ProcessInfo master = ns.find("hangapp:app").get(0);
            List<ProcessInfo> workers = ns.children(master);
            assertEquals(2, workers.size(), ns.log());

            signal(workers.get(0), Signal.STOP);
            assertAnswer(
                    503, "master \\d+ alive, 1/2 workers live \\(0 exited, 1 stopped\\)\n", answer("/workers/web"));
            signal(workers.get(1), Signal.STOP);
            assertAnswer(
                    503, "master \\d+ alive, 0/2 workers live \\(0 exited, 2 stopped\\)\n", answer("/workers/web"));
            assertTrue(tcpSocketCheck(), "a tcpSocket probe still passes: the master holds the port");

            workers.forEach(w -> signal(w, Signal.CONT));
            assertAnswer(200, "master \\d+ alive, 2/2 workers live, http 200 in \\d+ ms\n", answer("/workers/web"));
        }
    }

    @Test
    void hungWorkersFailTheHttpCheckWhileItsPortStillAccepts() throws Exception {
        try (PidNamespace ns = start(0)) {
            List<Socket> hung = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    hung.add(request("/hang"));
                    Thread.sleep(300);
                }
                long started = System.nanoTime();
                HttpResponse<String> response = answer("/workers/web");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertAnswer(
                        503,
                        "master \\d+ alive, 2/2 workers live, no HTTP answer on :" + appPort + " within 2000 ms\n",
                        response);
                assertTrue(millis < 3000, "one probe period: " + millis + " ms");
                assertTrue(tcpSocketCheck(), "a tcpSocket probe still passes");
            } finally {
                for (Socket socket : hung) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void killedWorkersOfAStoppedMasterAreNotCountedAndARecoveredMasterIsFoundAgain() throws Exception {
        try (PidNamespace ns = start(0)) {
            ProcessInfo master = ns.find("hangapp:app").get(0);
            List<ProcessInfo> workers = ns.children(master);
            signal(master, Signal.STOP);
            workers.forEach(w -> signal(w, Signal.KILL));
            Thread.sleep(200);
            assertAnswer(503, "master \\d+ is stopped \\(state T\\)\n", answer("/workers/web"));
            signal(master, Signal.CONT);
            assertEventually(200, "master \\d+ alive, 2/2 workers live, http 200 in \\d+ ms\n");
            assertEquals(List.of(), ns.zombies(), "the master reaped its killed workers");
        }
    }

    @Test
    void drainStopsGunicornWithSigtermAndSigtermToTheShimWaitsForIt() throws Exception {
        try (PidNamespace ns = start(1.0)) {
            CompletableFuture<HttpResponse<String>> drain = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(shimUrl("/drain/web")))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + PidNamespace.DRAIN_TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            signal(ns.find("io.pid1.injector.cli.Main").get(0), Signal.TERM);
            HttpResponse<String> drained = drain.get(30, TimeUnit.SECONDS);
            assertAnswer(200, "drained: master \\d+ exited \\d+\\.\\d s after SIGTERM\n", drained);
            assertEquals(0, ns.awaitExit(10), "the shim exits 0 after its drain:\n" + ns.log());
            assertTrue(ns.log().contains("Handling signal: term"), ns.log());
        }
    }

    private HttpResponse<String> answer(String path) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(shimUrl(path)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String shimUrl(String path) {
        return "http://127.0.0.1:" + shimPort + path;
    }

    private void assertEventually(int status, String body) throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = answer("/workers/web");
            if (last.statusCode() == status && last.body().matches(body)) {
                return;
            }
            Thread.sleep(200);
        }
        assertAnswer(status, body, last);
    }

    private static void assertAnswer(int status, String bodyPattern, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().matches(bodyPattern), response.body());
    }

    private Socket request(String path) throws IOException {
        Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), appPort);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private boolean tcpSocketCheck() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), appPort), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(ProcessInfo process, Signal signal) {
        try {
            new KillSignaller().send(process.pid(), signal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String json(List<String> argv) {
        StringBuilder out = new StringBuilder("[");
        for (String arg : argv) {
            out.append(out.length() == 1 ? "" : ", ")
                    .append('"')
                    .append(arg.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return out.append(']').toString();
    }
}
