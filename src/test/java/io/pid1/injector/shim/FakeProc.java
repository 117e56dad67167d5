package io.pid1.injector.shim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A synthetic {@code /proc}: one directory per process with its {@code stat} and {@code cmdline}. */
final class FakeProc {

    private final Path root;

    FakeProc(Path root) {
        this.root = root;
    }

    ProcFs procFs() {
        return new ProcFs(root);
    }

    /** Adds (or replaces) a process; its {@code comm} is the base name of argv[0], as the kernel keeps it. */
    FakeProc add(int pid, int ppid, char state, long startTime, String... argv) {
        String comm = argv.length == 0 ? "kworker" : ArgvMatcher.baseName(argv[0]);
        return addRaw(
                pid,
                String.format(
                        "%d (%s) %c %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %d 1000 200",
                        pid, comm, state, ppid, pid, pid, startTime),
                argv.length == 0 ? "" : String.join("\0", argv) + "\0");
    }

    /** Adds a process with exactly this {@code stat} line and NUL-separated {@code cmdline}. */
    FakeProc addRaw(int pid, String stat, String cmdline) {
        try {
            Path dir = Files.createDirectories(root.resolve(Integer.toString(pid)));
            Files.writeString(dir.resolve("stat"), stat + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("cmdline"), cmdline, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process exits and is reaped: its directory goes. */
    void remove(int pid) {
        try (Stream<Path> files = Files.walk(root.resolve(Integer.toString(pid)))) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
