package io.pid1.injector.shim;

import java.util.List;

/**
 * One process as {@code /proc} shows it: its id, its parent's id, its state letter (field 3 of
 * {@code stat}), its start time in clock ticks after boot (field 22, which with the id names one
 * process even when ids are reused) and its command line.
 */
public record ProcessInfo(int pid, int ppid, char state, long startTime, List<String> argv) {

    public ProcessInfo {
        argv = List.copyOf(argv);
    }

    /** False for a zombie or dead process ({@code Z}, {@code X}) and a stopped one ({@code T}, {@code t}). */
    public boolean live() {
        return running() && state != 'T' && state != 't';
    }

    /** False once the process has exited, even if nobody has reaped it yet. */
    public boolean running() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** True when {@code other} is this same process: same id and same start time. */
    public boolean sameProcess(ProcessInfo other) {
        return pid == other.pid && startTime == other.startTime;
    }

    /** The command line as one line, arguments separated by spaces. */
    public String commandLine() {
        return String.join(" ", argv);
    }
}
