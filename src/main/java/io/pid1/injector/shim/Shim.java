package io.pid1.injector.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running shim: its HTTP endpoints over the real {@code /proc}, until SIGTERM (or SIGINT),
 * after which it lets the drains in progress finish (up to its grace) and returns, so the process
 * exits 0. Plain Java: nothing here boots a framework. Its package keeps streams and regular expressions off the
 * path of a check: they load JDK classes, which cost every pod's sidecar memory (bench/README.md, "pid1-shim in the
 * image").
 */
public final class Shim {

    /** How long the HTTP check of a worker may take. */
    public static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private static final long THREAD_STACK_BYTES = 256 * 1024;

    private final ShimConfig config;
    private final ExecutorService executor;
    private final ShimServer server;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public Shim(ShimConfig config, ProcFs proc, Signaller signaller) throws IOException {
        this.config = config;
        this.executor = Executors.newCachedThreadPool(smallThreads());
        this.server = new ShimServer(
                config,
                new WorkerHealth(proc, new HttpCheck(HTTP_TIMEOUT)),
                new Drains(new Drainer(proc, signaller), executor),
                executor);
    }

    /** Runs the shim over the real {@code /proc} until it is told to stop; returns the exit code, 0. */
    public static int run(ShimConfig config, Duration grace) throws IOException, InterruptedException {
        if (runsAsRoot()) {
            ShimServer.log("running as root, which the webhook never asks for: give the shim the app's non-root UID");
        }
        Shim shim = new Shim(config, ProcFs.system(), new KillSignaller());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> shim.requestStop());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> shim.requestStop());
        shim.start();
        shim.awaitStopRequest();
        shim.stop(grace);
        return 0;
    }

    /** Starts serving. */
    public void start() {
        server.start();
        StringBuilder names = new StringBuilder();
        for (ContainerSpec c : config.containers()) {
            names.append(names.isEmpty() ? "" : ", ")
                    .append(c.name())
                    .append(" (")
                    .append(c.server())
                    .append(')');
        }
        ShimServer.log("serving on " + config.host() + ":" + server.port() + " for " + names);
    }

    /** Asks {@link #awaitStopRequest()} to return. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /** Waits until a stop is requested. */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /** Lets requests in progress (drains above all) finish, up to {@code grace}, then stops serving. */
    public void stop(Duration grace) throws InterruptedException {
        ShimServer.log("stopping");
        if (!server.awaitAnswers(grace)) {
            ShimServer.log("requests still being answered after " + grace.toSeconds() + " s; stopping anyway");
        }
        server.stop();
        executor.shutdownNow();
    }

    /** The port it serves on. */
    public int port() {
        return server.port();
    }

    /** The shim needs only the app's UID to signal it; root would let a flaw in it reach the whole pod. */
    static boolean runsAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static ThreadFactory smallThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(null, task, "pid1-shim-" + count.incrementAndGet(), THREAD_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        };
    }
}
