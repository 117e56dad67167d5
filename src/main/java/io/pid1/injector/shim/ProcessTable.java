package io.pid1.injector.shim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One reading of every process in the PID namespace, so that a master and its workers are seen at
 * the same moment. In a pod with {@code shareProcessNamespace} the pause container is PID 1; each
 * container's first process is "top level": its parent is outside the namespace (shown as 0) or,
 * once re-parented, PID 1.
 */
public final class ProcessTable {

    private final List<ProcessInfo> processes;

    public ProcessTable(List<ProcessInfo> processes) {
        this.processes = List.copyOf(processes);
    }

    /** Reads the whole table now. */
    public static ProcessTable read(ProcFs proc) {
        return new ProcessTable(proc.processes());
    }

    /**
     * The running top-level process whose command line best fits {@code argv}; among equal fits the
     * one started first.
     */
    public Optional<ProcessInfo> master(List<String> argv) {
        ProcessInfo best = null;
        ArgvMatcher.Fit bestFit = ArgvMatcher.Fit.NONE;
        for (ProcessInfo p : processes) {
            if (p.pid() == 1 || (p.ppid() != 0 && p.ppid() != 1) || !p.running()) {
                continue;
            }
            ArgvMatcher.Fit fit = ArgvMatcher.fit(argv, p.argv());
            int better = fit.compareTo(bestFit);
            if (fit != ArgvMatcher.Fit.NONE && (better > 0 || (better == 0 && p.startTime() < best.startTime()))) {
                best = p;
                bestFit = fit;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The direct children of {@code parent} (started after it, so a reused id is never mistaken). */
    public List<ProcessInfo> children(ProcessInfo parent) {
        List<ProcessInfo> children = new ArrayList<>();
        for (ProcessInfo p : processes) {
            if (p.ppid() == parent.pid() && p.startTime() >= parent.startTime()) {
                children.add(p);
            }
        }
        return children;
    }
}
