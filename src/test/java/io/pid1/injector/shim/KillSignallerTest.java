package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sends real signals to child processes that report, by their exit code, which one arrived. */
class KillSignallerTest {

    /**
     * A shell that exits 10 + the number of the signal it caught (or dies of an uncaught one). It starts with
     * every signal at its default ({@code env --default-signal}): a shell cannot trap a signal that was ignored
     * when it started, and a test run under {@code nohup} ignores SIGHUP.
     */
    private static Process catcher() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "env",
                        "--default-signal",
                        "/bin/sh",
                        "-c",
                        "trap 'exit 11' HUP; trap 'exit 12' INT; trap 'exit 13' QUIT; trap 'exit 25' TERM; "
                                + "trap 'exit 38' WINCH; trap 'exit 20' USR1; echo ready; "
                                + "i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 99")
                .redirectErrorStream(true)
                .start();
        assertEquals('r', p.getInputStream().read(), "the traps are set");
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"HUP, 11", "INT, 12", "QUIT, 13", "TERM, 25", "WINCH, 38", "USR1, 20"})
    void deliversTheNamedSignal(Signal signal, int exitCode) throws Exception {
        assertDelivered(new KillSignaller(), signal, exitCode);
    }

    private static void assertDelivered(KillSignaller signaller, Signal signal, int exitCode) throws Exception {
        Process p = catcher();
        try {
            signaller.send((int) p.pid(), signal);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the signal arrived");
            assertEquals(exitCode, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void killIsKill() throws Exception {
        Process p = catcher();
        try {
            new KillSignaller().send((int) p.pid(), Signal.KILL);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(128 + 9, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest
    @CsvSource({"TERM", "QUIT"})
    void aMissingProcessIsAnError(Signal signal) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        IOException e = assertThrows(IOException.class, () -> new KillSignaller().send((int) gone.pid(), signal));
        assertTrue(e.getMessage().contains(Long.toString(gone.pid())), e.getMessage());
    }

    @Test
    void aMissingShellIsAnErrorNotAHang() {
        assertThrows(IOException.class, () -> new KillSignaller("/nonexistent/sh", false).send(1, Signal.QUIT));
    }

    /** As in the shell-less image, whose runtime (Java 22 and later) calls the C library's kill. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"HUP, 11", "INT, 12", "QUIT, 13", "WINCH, 38", "USR1, 20"})
    void withoutAShellTheCLibrarySendsTheSignal(Signal signal, int exitCode) throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "java.lang.foreign is final from Java 22");
        assertDelivered(new KillSignaller("/nonexistent/sh", true), signal, exitCode);
    }

    @Test
    void withoutAShellAMissingProcessIsAnError() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "java.lang.foreign is final from Java 22");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        IOException e = assertThrows(
                IOException.class,
                () -> new KillSignaller("/nonexistent/sh", true).send((int) gone.pid(), Signal.QUIT));
        assertTrue(e.getMessage().contains("no process " + gone.pid()), e.getMessage());
    }
}
