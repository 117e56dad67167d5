package io.pid1.injector.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads processes from a {@code /proc} tree. The root is a parameter so that tests can build a
 * fake tree of {@code <pid>/cmdline} and {@code <pid>/stat} files. A process that exits while it is
 * being read is skipped, never an error.
 */
public final class ProcFs {

    private static final int STATE = 0;
    private static final int PPID = 1;
    private static final int START_TIME = 19;

    private final Path root;

    public ProcFs(Path root) {
        this.root = root;
    }

    /** The real {@code /proc}. */
    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** Every process that could be read, in no particular order. */
    public List<ProcessInfo> processes() {
        List<ProcessInfo> all = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Optional<ProcessInfo> process = isPid(name) ? process(Integer.parseInt(name)) : Optional.empty();
                if (process.isPresent()) {
                    all.add(process.get());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** The process with this id, if it exists (a zombie still exists). */
    public Optional<ProcessInfo> process(int pid) {
        Path dir = root.resolve(Integer.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
            return Optional.of(parse(pid, stat, cmdline));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The process with this id and start time, if it still exists. */
    public Optional<ProcessInfo> same(ProcessInfo known) {
        return process(known.pid()).filter(known::sameProcess);
    }

    static ProcessInfo parse(int pid, String stat, byte[] cmdline) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new ProcessInfo(
                pid,
                Integer.parseInt(fields[PPID]),
                fields[STATE].charAt(0),
                Long.parseLong(fields[START_TIME]),
                argv(cmdline));
    }

    /**
     * Splits a NUL-terminated command line. A kernel thread or zombie has an empty one; a process
     * that rewrote its title may leave NUL padding, read as empty arguments.
     */
    static List<String> argv(byte[] cmdline) {
        if (cmdline.length == 0) {
            return List.of();
        }
        int end = cmdline[cmdline.length - 1] == 0 ? cmdline.length - 1 : cmdline.length;
        return Arrays.asList(new String(cmdline, 0, end, StandardCharsets.UTF_8).split("\0", -1));
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return !name.isEmpty() && name.length() <= 9;
    }
}
