package io.pid1.injector.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's dash, and programs in exec form, the way a container would; the program
 * {@code show} prints its working directory, {@code $A}, its arguments, and whether its parent is
 * this JVM (that is, whether the shell exec'd it).
 */
final class Dash {

    static final String DASH = "/usr/bin/dash";

    /** The container env of the runs (values literal, as the kubelet passes them). */
    static final Map<String, String> ENV = Map.of(
            "PATH",
            "/usr/bin:/bin",
            "HOME",
            "/root",
            "PORT",
            "8000",
            "SPACED",
            "a  b",
            "EMPTY",
            "",
            "GLOB",
            "*.py",
            "DOLLARS",
            "$(PORT)");

    private static final String SHOW_SCRIPT = """
            #!/usr/bin/dash
            printf 'pwd=%s\\n' "$(pwd -P)"
            printf 'A=%s\\n' "${A-unset}"
            for arg; do printf '<%s>\\n' "$arg"; done
            if [ "$PPID" = "$JAVA_PID" ]; then echo parent=java; else echo parent=shell; fi
            """;

    final Path show;
    private final Path home;

    /** Writes {@code show} into {@code dir}, which is also where the runs start. */
    Dash(Path dir) throws IOException {
        home = dir;
        show = dir.resolve("show");
        Files.writeString(show, SHOW_SCRIPT, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(show, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The output without the line that tells who the parent was. */
    static String withoutParent(String output) {
        return output.replaceAll("(?m)^parent=\\w+\n", "");
    }

    /** The output without stderr (whose messages name {@code exec} when it failed) nor the parent line. */
    static String stdoutAndStatus(String output) {
        return withoutParent(output).replaceAll("(?s)stderr=.*\nstatus=", "status=");
    }

    /** Output (stdout, stderr, exit status) of {@code dash -c script}. */
    String shell(String script) throws IOException, InterruptedException {
        return run(List.of(DASH, "-c", script), home, Map.of());
    }

    /** Output of the exec form as the kubelet would start it, after its {@code $(VAR)} expansion. */
    String execForm(Reading.ExecForm form) throws IOException, InterruptedException {
        Map<String, String> extra = new HashMap<>();
        form.env().forEach(a -> extra.put(a.name(), KubernetesExpansion.expand(a.value(), ENV)));
        List<String> argv = form.argv().stream()
                .map(word -> KubernetesExpansion.expand(word, ENV))
                .toList();
        Path dir = form.workingDir().map(Path::of).orElse(home);
        return run(argv, dir, extra);
    }

    private static String run(List<String> argv, Path dir, Map<String, String> extra)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(ENV);
        builder.environment().putAll(extra);
        builder.environment()
                .put("JAVA_PID", Long.toString(ProcessHandle.current().pid()));
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + argv);
        }
        return out + "stderr=" + err + "\nstatus=" + process.exitValue();
    }
}
