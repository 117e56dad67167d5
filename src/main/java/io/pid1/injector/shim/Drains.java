package io.pid1.injector.shim;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Runs at most one drain per container at a time: a second request for the same container (a
 * retried hook) waits for the drain already running and gets its answer.
 */
public final class Drains {

    private final Drainer drainer;
    private final Executor executor;
    private final Map<String, CompletableFuture<Verdict>> running = new ConcurrentHashMap<>();

    public Drains(Drainer drainer, Executor executor) {
        this.drainer = drainer;
        this.executor = executor;
    }

    /** Drains {@code spec}'s container, or joins the drain of it already running, and waits for the answer. */
    public Verdict drain(ContainerSpec spec) throws InterruptedException {
        CompletableFuture<Verdict> mine = new CompletableFuture<>();
        CompletableFuture<Verdict> drain = running.putIfAbsent(spec.name(), mine);
        if (drain == null) {
            drain = mine;
            executor.execute(() -> run(spec, mine));
        }
        try {
            return drain.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run(ContainerSpec spec, CompletableFuture<Verdict> drain) {
        Verdict verdict;
        try {
            verdict = drainer.drain(spec);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            verdict = new Verdict(false, "drain interrupted");
        } catch (RuntimeException e) {
            verdict = new Verdict(false, "drain failed: " + e);
        }
        running.remove(spec.name(), drain);
        drain.complete(verdict);
    }
}
