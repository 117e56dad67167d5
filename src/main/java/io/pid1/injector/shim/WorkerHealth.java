package io.pid1.injector.shim;

import java.util.List;
import java.util.OptionalInt;

/**
 * Judges one container: healthy while its master runs, has at least the expected number of live
 * workers, and (for an HTTP server) a request to its port gets any HTTP answer in time.
 */
public final class WorkerHealth {

    private final ProcFs proc;
    private final HttpCheck http;

    public WorkerHealth(ProcFs proc, HttpCheck http) {
        this.proc = proc;
        this.http = http;
    }

    /** Reads {@code /proc} afresh and judges the container now. */
    public Verdict check(ContainerSpec spec) {
        ProcessTable table = ProcessTable.read(proc);
        ProcessInfo master = table.master(spec.argv()).orElse(null);
        if (master == null) {
            return new Verdict(false, "no master process matching " + spec.shortArgv());
        }
        if (!master.live()) {
            return new Verdict(false, "master " + master.pid() + " is stopped (state " + master.state() + ")");
        }
        List<ProcessInfo> children = table.children(master);
        int live = live(children);
        String counted = "master " + master.pid() + " alive, " + live + "/" + spec.expectedWorkers() + " workers live";
        if (live < spec.expectedWorkers()) {
            return new Verdict(false, counted + notLive(children));
        }
        if (spec.httpPort().isEmpty()) {
            return new Verdict(true, counted);
        }
        int port = spec.httpPort().getAsInt();
        long started = System.nanoTime();
        OptionalInt status = http.status(port, spec.httpPath());
        if (status.isEmpty()) {
            return new Verdict(
                    false,
                    counted + ", no HTTP answer on :" + port + " within "
                            + http.timeout().toMillis() + " ms");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Verdict(true, counted + ", http " + status.getAsInt() + " in " + millis + " ms");
    }

    private static String notLive(List<ProcessInfo> children) {
        int zombies = 0;
        int stopped = 0;
        for (ProcessInfo p : children) {
            zombies += p.running() ? 0 : 1;
            stopped += p.running() && !p.live() ? 1 : 0;
        }
        if (zombies == 0 && stopped == 0) {
            return "";
        }
        return " (" + zombies + " exited, " + stopped + " stopped)";
    }

    private static int live(List<ProcessInfo> processes) {
        int live = 0;
        for (ProcessInfo p : processes) {
            live += p.live() ? 1 : 0;
        }
        return live;
    }
}
