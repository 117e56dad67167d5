package io.pid1.injector.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A finished command: its exit code and output. Commands run from the project directory. */
record Run(List<String> command, int exitCode, String stdout, String stderr) {

    private static final long TIMEOUT_SECONDS = 120;

    static Run of(String... command) {
        return of(Map.of(), command);
    }

    static Run of(Map<String, String> environment, String... command) {
        try {
            Path err = Files.createTempFile("pid1-run", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                process.getOutputStream().close();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
                return new Run(List.of(command), process.exitValue(), out, Files.readString(err));
            } finally {
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This run, having checked that it succeeded. */
    Run ok() {
        if (exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ": " + stderr + stdout);
        }
        return this;
    }

    /** Whether a program is on the PATH. */
    static boolean available(String program) {
        return of("sh", "-c", "command -v " + program).exitCode() == 0;
    }
}
