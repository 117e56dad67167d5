package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainsTest {

    @TempDir
    Path root;

    @Test
    void aSecondRequestJoinsTheDrainInProgressAndALaterOneStartsAnew() throws Exception {
        FakeProc proc = new FakeProc(root).add(12, 0, 'S', 30, "gunicorn", "app:app", "-w", "2");
        AtomicInteger signals = new AtomicInteger();
        ContainerSpec spec =
                Specs.timed(Specs.gunicorn(2), Signal.TERM, Duration.ofMillis(100), Duration.ofMillis(300));
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Drains drains = new Drains(new Drainer(proc.procFs(), (pid, signal) -> signals.incrementAndGet()), pool);
            Future<Verdict> first = pool.submit(() -> drains.drain(spec));
            Thread.sleep(100);
            Future<Verdict> second = pool.submit(() -> drains.drain(spec));
            assertEquals(first.get(5, TimeUnit.SECONDS), second.get(5, TimeUnit.SECONDS));
            assertEquals(1, signals.get());
            drains.drain(spec);
            assertEquals(2, signals.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
