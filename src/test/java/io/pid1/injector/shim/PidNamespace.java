package io.pid1.injector.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PID namespace as a pod with {@code shareProcessNamespace} has one: a reaper as PID 1 (tini,
 * as pause would be), the servers as its top-level children, and the shim, run as the webhook runs
 * it ({@code pid1-injector shim}, configuration in {@code PID1_SHIM_CONFIG}) on this test's class
 * path, beside them where it sees the namespace's own {@code /proc}. Closing it kills PID 1, which
 * takes every process of the namespace with it.
 */
final class PidNamespace implements AutoCloseable {

    /** The JVM settings recommended for the shim (see bench/shim.sh). */
    /** The drain token of the namespace's shim configurations. */
    static final String DRAIN_TOKEN = "TestDrainToken-0123456789";

    static final List<String> SHIM_JVM = List.of(
            "-XX:+UseSerialGC",
            "-Xmx24m",
            "-Xss256k",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-Xshare:auto");

    private final Process unshare;
    private final Path log;

    private PidNamespace(Process unshare, Path log) {
        this.unshare = unshare;
        this.log = log;
    }

    /** Starts each server in the background (re-parented to PID 1), then the shim with this configuration. */
    static PidNamespace start(Path dir, String shimConfig, List<List<String>> servers) throws IOException {
        StringBuilder script = new StringBuilder();
        for (List<String> server : servers) {
            script.append("(").append(quote(server)).append(" &); ");
        }
        List<String> shim = new ArrayList<>();
        shim.add(ProcessHandle.current().info().command().orElse("java"));
        shim.addAll(SHIM_JVM);
        shim.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pid1.injector.cli.Main", "shim"));
        script.append("exec ").append(quote(shim));
        Path log = dir.resolve("namespace.log");
        ProcessBuilder builder = new ProcessBuilder(
                        "unshare",
                        "--pid",
                        "--fork",
                        "--mount-proc",
                        "/usr/bin/tini-static",
                        "--",
                        "/bin/sh",
                        "-c",
                        script.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PID1_SHIM_CONFIG", shimConfig);
        Process unshare = builder.start();
        return new PidNamespace(unshare, log);
    }

    /** True when this JVM may make namespaces (root). */
    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Every process of the namespace, by host PID. */
    List<ProcessHandle> processes() {
        return unshare.toHandle().descendants().toList();
    }

    /** The namespace's processes that have {@code argument} among their arguments, oldest first. */
    List<ProcessInfo> find(String argument) {
        return processes().stream()
                .map(p -> ProcFs.system().process((int) p.pid()))
                .flatMap(Optional::stream)
                .filter(p -> p.argv().contains(argument))
                .sorted(Comparator.comparingLong(ProcessInfo::startTime))
                .toList();
    }

    /** The children (by host PID) of {@code parent}. */
    List<ProcessInfo> children(ProcessInfo parent) {
        return processes().stream()
                .map(p -> ProcFs.system().process((int) p.pid()))
                .flatMap(Optional::stream)
                .filter(p -> p.ppid() == parent.pid())
                .toList();
    }

    /** The namespace's processes that have exited and are not reaped. */
    List<ProcessInfo> zombies() {
        return processes().stream()
                .map(p -> ProcFs.system().process((int) p.pid()))
                .flatMap(Optional::stream)
                .filter(p -> !p.running())
                .toList();
    }

    /** Waits for the namespace to end (its PID 1 exited); its exit code, or -1 after the limit. */
    int awaitExit(long seconds) throws InterruptedException {
        return unshare.waitFor(seconds, TimeUnit.SECONDS) ? unshare.exitValue() : -1;
    }

    /** What the namespace's processes printed. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ProcessHandle p : processes()) {
            if (p.info().command().filter(c -> c.endsWith("tini-static")).isPresent()) {
                p.destroyForcibly();
            }
        }
        if (!unshare.waitFor(10, TimeUnit.SECONDS)) {
            processes().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
            unshare.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String quote(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String arg : argv) {
            line.append(line.length() == 0 ? "" : " ")
                    .append('\'')
                    .append(arg.replace("'", "'\\''"))
                    .append('\'');
        }
        return line.toString();
    }
}
