package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerHealthTest {

    private static final String[] MASTER = {"/usr/bin/python3", "/usr/bin/gunicorn", "app:app", "-w", "2"};
    private static final String[] WORKER = MASTER;

    @TempDir
    Path root;

    private FakeProc proc;

    @BeforeEach
    void pod() {
        proc = new FakeProc(root).add(1, 0, 'S', 10, "/pause").add(7, 0, 'S', 20, "java", "-jar", "shim.jar");
    }

    private Verdict check(ContainerSpec spec) {
        return new WorkerHealth(proc.procFs(), new HttpCheck(Duration.ofMillis(500))).check(spec);
    }

    @ParameterizedTest(name = "parent {0}")
    @CsvSource({"0", "1"})
    void aTopLevelMasterWithAllWorkersLiveIsHealthy(int parent) {
        proc.add(12, parent, 'S', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'R', 32, WORKER);
        assertEquals(new Verdict(true, "master 12 alive, 2/2 workers live"), check(Specs.gunicorn(2)));
    }

    @Test
    void noMatchingTopLevelProcessIsUnhealthy() {
        proc.add(12, 7, 'S', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'S', 32, WORKER);
        assertEquals(new Verdict(false, "no master process matching gunicorn app:app -w 2"), check(Specs.gunicorn(2)));
    }

    @ParameterizedTest(name = "worker state {0}")
    @CsvSource({"Z, '1 exited, 0 stopped'", "T, '0 exited, 1 stopped'", "t, '0 exited, 1 stopped'"})
    void aZombieOrStoppedWorkerIsNotLive(char state, String why) {
        proc.add(12, 0, 'S', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, state, 32, WORKER);
        assertEquals(new Verdict(false, "master 12 alive, 1/2 workers live (" + why + ")"), check(Specs.gunicorn(2)));
    }

    @Test
    void withoutAWorkerCountOneLiveWorkerIsEnough() {
        ContainerSpec anyCount = new ContainerSpec(
                "web",
                List.of("gunicorn", "app:app"),
                "gunicorn",
                OptionalInt.empty(),
                OptionalInt.empty(),
                "/",
                Signal.TERM,
                Duration.ZERO,
                Duration.ZERO);
        proc.add(12, 0, 'S', 30, "gunicorn", "app:app");
        assertEquals(new Verdict(false, "master 12 alive, 0/1 workers live"), check(anyCount));
        proc.add(13, 12, 'S', 31, "gunicorn", "app:app");
        assertEquals(new Verdict(true, "master 12 alive, 1/1 workers live"), check(anyCount));
    }

    @Test
    void aStoppedMasterIsUnhealthy() {
        proc.add(12, 0, 'T', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'S', 32, WORKER);
        assertEquals(new Verdict(false, "master 12 is stopped (state T)"), check(Specs.gunicorn(2)));
    }

    @Test
    void aZombieMasterIsNoMasterAndARestartedOneIsFound() {
        proc.add(12, 0, 'Z', 30)
                .add(40, 0, 'S', 90, MASTER)
                .add(41, 40, 'S', 91, WORKER)
                .add(42, 40, 'S', 92, WORKER);
        assertEquals(new Verdict(true, "master 40 alive, 2/2 workers live"), check(Specs.gunicorn(2)));
    }

    @Test
    void childrenOfAReusedPidAreNotCountedAsWorkers() {
        proc.add(12, 0, 'S', 300, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'S', 301, WORKER);
        assertEquals(new Verdict(false, "master 12 alive, 1/2 workers live"), check(Specs.gunicorn(2)));
    }

    @Test
    void theBestFitWinsThenTheOldest() {
        proc.add(20, 0, 'S', 50, "gunicorn: master [app:app]")
                .add(21, 20, 'S', 51, "gunicorn: worker [app:app]")
                .add(30, 0, 'S', 60, MASTER)
                .add(31, 30, 'S', 61, WORKER)
                .add(32, 30, 'S', 62, WORKER)
                .add(40, 1, 'S', 55, MASTER)
                .add(41, 40, 'S', 56, WORKER);
        assertEquals(new Verdict(false, "master 40 alive, 1/2 workers live"), check(Specs.gunicorn(2)));
    }

    @Test
    void anyHttpStatusIsAnAnswer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try {
            proc.add(12, 0, 'S', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'S', 32, WORKER);
            Verdict verdict =
                    check(Specs.withHttp(Specs.gunicorn(2), server.getAddress().getPort()));
            assertEquals(true, verdict.healthy(), verdict.reason());
            assertEquals(
                    true,
                    verdict.reason().matches("master 12 alive, 2/2 workers live, http 500 in \\d+ ms"),
                    verdict.reason());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPortThatAcceptsButNeverAnswersIsUnhealthyWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            proc.add(12, 0, 'S', 30, MASTER).add(13, 12, 'S', 31, WORKER).add(14, 12, 'S', 32, WORKER);
            long started = System.nanoTime();
            Verdict verdict = check(Specs.withHttp(Specs.gunicorn(2), silent.getLocalPort()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(
                    new Verdict(
                            false,
                            "master 12 alive, 2/2 workers live, no HTTP answer on :" + silent.getLocalPort()
                                    + " within 500 ms"),
                    verdict);
            assertEquals(true, millis >= 450 && millis < 1500, "took " + millis + " ms");
        }
    }

    @Test
    void deadWorkersAreReportedBeforeTheHttpCheckRuns() {
        proc.add(12, 0, 'S', 30, MASTER).add(13, 12, 'Z', 31).add(14, 12, 'Z', 32);
        assertEquals(
                new Verdict(false, "master 12 alive, 0/2 workers live (2 exited, 0 stopped)"),
                check(Specs.withHttp(Specs.gunicorn(2), 1)));
    }
}
