package io.pid1.injector.shim;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Stops one container gracefully, as its {@code preStop} hook: waits the drain time (so endpoints
 * stop sending it traffic), sends the server's own graceful signal to its master, and waits until
 * the master exits or the graceful timeout passes.
 */
public final class Drainer {

    private static final long POLL_MILLIS = 50;
    /**
     * Waited past the graceful timeout: a server that times out its own drain still needs a moment
     * to exit, and the kubelet's stop signal, sent when this hook returns, would interrupt it.
     */
    static final Duration EXIT_MARGIN = Duration.ofSeconds(2);

    private final ProcFs proc;
    private final Signaller signaller;

    public Drainer(ProcFs proc, Signaller signaller) {
        this.proc = proc;
        this.signaller = signaller;
    }

    /** Drains {@code spec}'s container; the result says how it went in one line. */
    public Verdict drain(ContainerSpec spec) throws InterruptedException {
        Thread.sleep(spec.drainTime().toMillis());
        ProcessInfo master = ProcessTable.read(proc).master(spec.argv()).orElse(null);
        if (master == null) {
            return new Verdict(true, "drained: no master process matching " + spec.shortArgv() + " was running");
        }
        long signalled = System.nanoTime();
        try {
            if (proc.same(master).isEmpty()) {
                return new Verdict(true, "drained: master " + master.pid() + " exited before " + spec.gracefulSignal());
            }
            signaller.send(master.pid(), spec.gracefulSignal());
        } catch (IOException e) {
            return new Verdict(
                    false,
                    "drain failed: cannot send " + spec.gracefulSignal() + " to master " + master.pid() + ": "
                            + e.getMessage());
        }
        long deadline = signalled + spec.gracefulTimeout().plus(EXIT_MARGIN).toNanos();
        while (proc.same(master).filter(ProcessInfo::running).isPresent()) {
            if (System.nanoTime() >= deadline) {
                return new Verdict(
                        true,
                        "drained: master " + master.pid() + " still running "
                                + seconds(
                                        spec.gracefulTimeout().plus(EXIT_MARGIN).toNanos()) + " after "
                                + spec.gracefulSignal());
            }
            Thread.sleep(POLL_MILLIS);
        }
        return new Verdict(
                true,
                "drained: master " + master.pid() + " exited " + seconds(System.nanoTime() - signalled) + " after "
                        + spec.gracefulSignal());
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", Duration.ofNanos(nanos).toMillis() / 1000.0);
    }
}
