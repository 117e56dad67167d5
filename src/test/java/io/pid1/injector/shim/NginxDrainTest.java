package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /drain} stops a real nginx (two workers, in a PID namespace beside the shim) with its own
 * graceful signal, SIGQUIT, while a slow proxied request is in flight: the request completes, the
 * master exits, and no zombie is left.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NginxDrainTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long SLOW_MILLIS = 3000;

    @TempDir
    Path dir;

    private HttpServer slowUpstream;
    private int nginxPort;
    private int shimPort;

    @BeforeEach
    void upstream() throws IOException {
        assumeTrue(PidNamespace.root(), "needs root to make a PID namespace (unshare --pid --mount-proc)");
        slowUpstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        slowUpstream.createContext("/", exchange -> {
            try {
                Thread.sleep(SLOW_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "slow done\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        slowUpstream.setExecutor(Executors.newCachedThreadPool());
        slowUpstream.start();
        nginxPort = LoopbackPorts.free();
        shimPort = LoopbackPorts.free();
    }

    @AfterEach
    void stopUpstream() {
        if (slowUpstream != null) {
            slowUpstream.stop(0);
        }
    }

    @Test
    void drainSendsSigquitAndTheInFlightRequestCompletes() throws Exception {
        List<String> nginx = nginx();
        String config = String.format("""
                {"host": "127.0.0.1", "port": %d, "drainToken": "%s", "containers": [{"name": "proxy", "argv": %s,
                 "server": "nginx",
                 "workers": 2, "httpPort": %d, "gracefulSignal": "SIGQUIT", "gracefulSeconds": 20,
                 "drainSeconds": 0.5}]}""", shimPort, PidNamespace.DRAIN_TOKEN, GunicornShimTest.json(nginx), nginxPort);
        try (PidNamespace ns = PidNamespace.start(dir, config, List.of(nginx))) {
            HttpResponse<String> healthy = awaitHealthy(ns);
            assertTrue(
                    healthy.body().matches("master \\d+ alive, 2/2 workers live, http 200 in \\d+ ms\n"),
                    healthy.body());
            assertEquals(2, ns.find("nginx: worker process").size(), ns.log());

            CompletableFuture<HttpResponse<String>> slow = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + "/slow"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            long started = System.nanoTime();
            HttpResponse<String> drained = shim("/drain/proxy");
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(200, drained.statusCode(), drained.body());
            assertTrue(
                    drained.body().matches("drained: master \\d+ exited \\d+\\.\\d s after SIGQUIT\n"), drained.body());
            assertTrue(
                    millis >= SLOW_MILLIS - 1000 && millis < SLOW_MILLIS + 5000,
                    "the master waited for the slow request: " + millis + " ms");
            HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("slow done\n", response.body(), "the in-flight request completed");
            assertThrows(
                    IOException.class,
                    () -> new Socket(InetAddress.getByName("127.0.0.1"), nginxPort).close(),
                    "nginx no longer listens");
            assertTrue(ns.find("nginx: worker process").isEmpty(), "workers are gone");
            assertEquals(List.of(), ns.zombies(), "no zombies: the reaper reaped nginx, the shim its kill helper");
            HttpResponse<String> after = shim("/workers/proxy");
            assertEquals(503, after.statusCode());
            assertTrue(after.body().startsWith("no master process matching /usr/sbin/nginx -p "), after.body());
        }
    }

    private List<String> nginx() throws IOException {
        return nginx(dir, """
                listen 127.0.0.1:%d;
                location /slow { proxy_pass http://127.0.0.1:%d; proxy_read_timeout 30s; }
                location / { return 200 "ok\\n"; }
                """.formatted(nginxPort, slowUpstream.getAddress().getPort()));
    }

    /** Writes a non-root nginx with two workers and this {@code server} block into {@code dir}; its argv. */
    static List<String> nginx(Path dir, String server) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                %2$s    }
                }
                """.formatted(dir, server));
        return List.of(
                "/usr/sbin/nginx",
                "-p",
                dir.toString(),
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-e",
                dir.resolve("logs/error.log").toString());
    }

    private HttpResponse<String> awaitHealthy(PidNamespace ns) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = shim("/workers/proxy");
                if (response.statusCode() == 200) {
                    return response;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nginx and the shim did not come up:\n" + ns.log());
    }

    private HttpResponse<String> shim(String path) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shimPort + path))
                        .header("Authorization", "Bearer " + PidNamespace.DRAIN_TOKEN)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
