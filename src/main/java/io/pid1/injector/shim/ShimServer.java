package io.pid1.injector.shim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The shim's plain-HTTP endpoints:
 * <ul>
 *   <li>{@code GET /workers/<container>}: 200 when the container is healthy, else 503; the body
 *       is the reason in one line (a liveness probe);</li>
 *   <li>{@code GET /drain/<container>} with {@code Authorization: Bearer <drainToken>}: drains the
 *       container and then answers 200, or 500 when the signal could not be sent (a {@code preStop}
 *       hook); without the pod's token, 403 and nothing happens;</li>
 *   <li>{@code GET /healthz}: 200 while the shim itself serves.</li>
 * </ul>
 * {@code HEAD} works for all but {@code /drain}, which only a {@code GET} starts. The read-only
 * paths are open: the kubelet probes them from the node. The stop path needs the token because it
 * cannot be loopback-only: the kubelet sends an {@code httpGet} preStop to the pod IP, and an
 * {@code exec} preStop would need a client program in every app image. The webhook writes a random
 * token into the hook's {@code httpHeaders} and into this configuration, so only the kubelet and
 * those who may read the pod's spec can stop the server (docs/security.md).
 */
public final class ShimServer {

    private final ShimConfig config;
    private final WorkerHealth health;
    private final Drains drains;
    private final HttpServer server;
    private final Object drainLock = new Object();
    private int drainsAnswering;

    public ShimServer(ShimConfig config, WorkerHealth health, Drains drains, ExecutorService executor)
            throws IOException {
        this.config = config;
        this.health = health;
        this.drains = drains;
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts answering. */
    public void start() {
        server.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Waits until no drain request is being answered, or {@code limit} has passed; true when none is left. */
    public boolean awaitDrains(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (drainLock) {
            while (drainsAnswering > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                drainLock.wait(left);
            }
            return true;
        }
    }

    /** Stops answering at once. */
    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean drain = path.startsWith("/drain/");
            if (!"GET".equals(method) && (drain || !"HEAD".equals(method))) {
                exchange.getResponseHeaders().set("Allow", drain ? "GET" : "GET, HEAD");
                respond(exchange, 405, "only " + (drain ? "GET" : "GET or HEAD"));
                return;
            }
            if (drain && !authorized(exchange)) {
                log("refused a drain from "
                        + exchange.getRemoteAddress().getAddress().getHostAddress() + ": no valid drain token");
                respond(exchange, 403, "drain needs the pod's drain token");
                return;
            }
            try {
                route(exchange, path);
            } catch (RuntimeException e) {
                log("error answering " + path + ": " + e);
                respond(exchange, 500, "error: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Compared in constant time, so the answer's timing tells nothing about the token. */
    private boolean authorized(HttpExchange exchange) {
        String presented = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + config.drainToken()).getBytes(StandardCharsets.UTF_8);
        return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    private void route(HttpExchange exchange, String path) throws IOException, InterruptedException {
        if (path.equals("/healthz")) {
            respond(exchange, 200, "ok");
            return;
        }
        int slash = path.indexOf('/', 1);
        String action = slash < 0 ? path : path.substring(0, slash);
        ContainerSpec spec = slash < 0 ? null : config.container(path.substring(slash + 1));
        if (!action.equals("/workers") && !action.equals("/drain")) {
            respond(exchange, 404, "unknown path; use /workers/<container>, /drain/<container> or /healthz");
        } else if (spec == null) {
            respond(exchange, 404, "no container named \"" + (slash < 0 ? "" : path.substring(slash + 1)) + "\"");
        } else if (action.equals("/workers")) {
            Verdict verdict = health.check(spec);
            respond(exchange, verdict.healthy() ? 200 : 503, verdict.reason());
        } else {
            drain(exchange, spec);
        }
    }

    private void drain(HttpExchange exchange, ContainerSpec spec) throws IOException, InterruptedException {
        synchronized (drainLock) {
            drainsAnswering++;
        }
        try {
            log("drain of " + spec.name() + " requested");
            Verdict verdict = drains.drain(spec);
            log(spec.name() + ": " + verdict.reason());
            respond(exchange, verdict.healthy() ? 200 : 500, verdict.reason());
        } finally {
            synchronized (drainLock) {
                drainsAnswering--;
                drainLock.notifyAll();
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String line) throws IOException {
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static void log(String line) {
        System.err.println("pid1-shim: " + line);
    }
}
