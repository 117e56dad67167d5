package io.pid1.injector.shim;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

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
 * those who may read the pod's spec can stop the server (docs/security.md). The HTTP itself, and its limits, are
 * {@link StrictHttpServer}'s.
 */
public final class ShimServer {

    private final ShimConfig config;
    private final WorkerHealth health;
    private final Drains drains;
    private final StrictHttpServer server;

    public ShimServer(ShimConfig config, WorkerHealth health, Drains drains, ExecutorService executor)
            throws IOException {
        this.config = config;
        this.health = health;
        this.drains = drains;
        this.server = new StrictHttpServer(config.host(), config.port(), executor, this::answer);
    }

    /** Starts answering. */
    public void start() {
        server.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /**
     * Waits until no request (a drain above all) is being answered, or {@code limit} has passed; true when none
     * is left.
     */
    public boolean awaitAnswers(Duration limit) throws InterruptedException {
        return server.awaitAnswers(limit);
    }

    /** Stops accepting connections at once. */
    public void stop() {
        server.stop();
    }

    private StrictHttpServer.Reply answer(RequestHead request, InetAddress client) throws InterruptedException {
        String path = request.path();
        boolean drain = path.startsWith("/drain/");
        if (!"GET".equals(request.method()) && (drain || !"HEAD".equals(request.method()))) {
            return new StrictHttpServer.Reply(
                    405, "only " + (drain ? "GET" : "GET or HEAD"), drain ? "GET" : "GET, HEAD");
        }
        if (drain && !authorized(request.authorization())) {
            log("refused a drain from " + client.getHostAddress() + ": no valid drain token");
            return new StrictHttpServer.Reply(403, "drain needs the pod's drain token");
        }
        try {
            return route(path);
        } catch (RuntimeException e) {
            log("error answering " + path + ": " + e);
            return new StrictHttpServer.Reply(500, "error: " + e.getMessage());
        }
    }

    /** Compared in constant time, so the answer's timing tells nothing about the token. */
    private boolean authorized(String presented) {
        byte[] expected = ("Bearer " + config.drainToken()).getBytes(StandardCharsets.ISO_8859_1);
        return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.ISO_8859_1));
    }

    private StrictHttpServer.Reply route(String path) throws InterruptedException {
        if (path.equals("/healthz")) {
            return new StrictHttpServer.Reply(200, "ok");
        }
        int slash = path.indexOf('/', 1);
        String action = slash < 0 ? path : path.substring(0, slash);
        ContainerSpec spec = slash < 0 ? null : config.container(path.substring(slash + 1));
        if (!action.equals("/workers") && !action.equals("/drain")) {
            return new StrictHttpServer.Reply(
                    404, "unknown path; use /workers/<container>, /drain/<container> or /healthz");
        }
        if (spec == null) {
            return new StrictHttpServer.Reply(
                    404, "no container named \"" + (slash < 0 ? "" : path.substring(slash + 1)) + "\"");
        }
        if (action.equals("/workers")) {
            Verdict verdict = health.check(spec);
            return new StrictHttpServer.Reply(verdict.healthy() ? 200 : 503, verdict.reason());
        }
        return drain(spec);
    }

    private StrictHttpServer.Reply drain(ContainerSpec spec) throws InterruptedException {
        log("drain of " + spec.name() + " requested");
        Verdict verdict = drains.drain(spec);
        log(spec.name() + ": " + verdict.reason());
        return new StrictHttpServer.Reply(verdict.healthy() ? 200 : 500, verdict.reason());
    }

    static void log(String line) {
        System.err.println("pid1-shim: " + line);
    }
}
