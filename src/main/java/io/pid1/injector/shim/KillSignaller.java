package io.pid1.injector.shim;

import io.pid1.injector.text.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals without native code of its own. Java can itself send only SIGTERM and SIGKILL to another
 * process ({@link ProcessHandle#destroy()}, {@link ProcessHandle#destroyForcibly()}), so those two
 * need nothing from the image (gunicorn, uvicorn, celery, puma stop on SIGTERM). Any other signal
 * (SIGQUIT for nginx and php-fpm, SIGWINCH for httpd, SIGINT for huey) goes to the C library's kill
 * ({@link LibcKill}) on Java 22 and later, as in the project's shell-less image; on older runtimes through the
 * {@code kill} built into a POSIX shell, {@code /bin/sh -c 'kill -s QUIT "$1"'}, which dash, bash and busybox all
 * have. Neither needs a writable directory (a JNA-style native library would need one to unpack into).
 */
public final class KillSignaller implements Signaller {

    private static final long KILL_TIMEOUT_SECONDS = 5;

    private final String shell;
    private final boolean libc;

    public KillSignaller() {
        this("/bin/sh", true);
    }

    /** With {@code libc} false, the shell's kill even where the C library's could be called. */
    KillSignaller(String shell, boolean libc) {
        this.shell = shell;
        this.libc = libc;
    }

    @Override
    public void send(int pid, Signal signal) throws IOException {
        if (signal == Signal.TERM || signal == Signal.KILL) {
            destroy(pid, signal);
        } else if (libc && LibcKill.get().isPresent()) {
            LibcKill.get().get().send(pid, signal);
        } else {
            shellKill(pid, signal);
        }
    }

    private static void destroy(int pid, Signal signal) throws IOException {
        ProcessHandle target = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no process " + pid));
        boolean sent = signal == Signal.KILL ? target.destroyForcibly() : target.destroy();
        if (!sent) {
            throw new IOException("could not send " + signal + " to " + pid);
        }
    }

    private void shellKill(int pid, Signal signal) throws IOException {
        Process kill = new ProcessBuilder(shell, "-c", "kill -s \"$0\" \"$1\"", signal.name(), Integer.toString(pid))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        kill.getOutputStream().close();
        try {
            if (!kill.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IOException("kill did not finish within " + KILL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill.destroyForcibly();
            throw new IOException("interrupted while sending " + signal, e);
        }
        if (kill.exitValue() != 0) {
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException("kill -s " + signal.name() + " " + pid + " failed: "
                    + (output.isEmpty() ? "exit " + kill.exitValue() : OneLine.of(output, output)));
        }
    }
}
