package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainerTest {

    private static final String[] NGINX = {"nginx: master process nginx -g daemon off;"};

    @TempDir
    Path root;

    private FakeProc proc;
    private final List<String> sent = new ArrayList<>();
    private final ContainerSpec proxy = new ContainerSpec(
            "proxy",
            List.of("nginx", "-g", "daemon off;"),
            "nginx",
            OptionalInt.empty(),
            OptionalInt.empty(),
            "/",
            Signal.QUIT,
            Duration.ofMillis(400),
            Duration.ofMillis(200));

    @BeforeEach
    void pod() {
        proc = new FakeProc(root)
                .add(1, 0, 'S', 1, "/pause")
                .add(20, 0, 'S', 5, NGINX)
                .add(21, 20, 'S', 6, "nginx: worker process");
    }

    @Test
    void waitsTheDrainTimeThenSendsTheGracefulSignalAndWaitsForTheMasterToExit() throws Exception {
        Signaller exits = (pid, signal) -> {
            sent.add(signal + " " + pid);
            proc.add(20, 0, 'Z', 5);
            proc.remove(21);
        };
        long started = System.nanoTime();
        Verdict verdict = new Drainer(proc.procFs(), exits).drain(proxy);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(List.of("SIGQUIT 20"), sent);
        assertTrue(verdict.healthy());
        assertTrue(verdict.reason().matches("drained: master 20 exited 0\\.\\d s after SIGQUIT"), verdict.reason());
        // Upper bound: a graceful wait would add its 400 ms; no tighter, so a loaded machine cannot fail it.
        assertTrue(millis >= 200 && millis < 600, "drain time first, no graceful wait: " + millis + " ms");
    }

    @Test
    void givesUpAfterTheGracefulTimeout() throws Exception {
        long started = System.nanoTime();
        Verdict verdict = new Drainer(proc.procFs(), (pid, signal) -> sent.add(signal + " " + pid)).drain(proxy);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(new Verdict(true, "drained: master 20 still running 2.4 s after SIGQUIT"), verdict);
        assertEquals(List.of("SIGQUIT 20"), sent);
        assertTrue(millis >= 2600 && millis < 10_000, "drain, graceful timeout and exit margin: " + millis + " ms");
    }

    @Test
    void aMasterReplacedByAnotherProcessWithTheSamePidCountsAsExited() throws Exception {
        Signaller reused = (pid, signal) -> proc.add(20, 0, 'S', 99, "/bin/sleep", "1000");
        Verdict verdict = new Drainer(proc.procFs(), reused).drain(proxy);
        assertTrue(verdict.reason().startsWith("drained: master 20 exited"), verdict.reason());
    }

    @Test
    void noMasterMeansNothingToDrain() throws Exception {
        proc.remove(20);
        Verdict verdict = new Drainer(proc.procFs(), (pid, signal) -> sent.add("unexpected")).drain(proxy);
        assertEquals(
                new Verdict(true, "drained: no master process matching nginx -g daemon off; was running"), verdict);
        assertEquals(List.of(), sent);
    }

    @Test
    void aSignalThatCannotBeSentIsAFailure() throws Exception {
        Signaller refused = (pid, signal) -> {
            throw new IOException("Operation not permitted");
        };
        assertEquals(
                new Verdict(false, "drain failed: cannot send SIGQUIT to master 20: Operation not permitted"),
                new Drainer(proc.procFs(), refused).drain(proxy));
    }
}
