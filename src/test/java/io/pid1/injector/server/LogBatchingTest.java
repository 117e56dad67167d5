package io.pid1.injector.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.WriterHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real JBoss LogManager handlers writing into a string: when a line reaches the writer. */
@Timeout(30)
class LogBatchingTest {

    final StringWriter out = new StringWriter();
    final WriterHandler writer = new WriterHandler();
    final LogBatching batching = new LogBatching();

    LogBatchingTest() {
        writer.setFormatter(new PatternFormatter("%s%n"));
        writer.setWriter(out);
    }

    @AfterEach
    void stop() {
        batching.stop();
    }

    @Test
    void withoutBatchingEveryLineIsWrittenAtOnce() {
        log("one");
        assertEquals("one\n", out.toString());
    }

    @Test
    void aBatchedLineWaitsForTheFlushAndStopWritesItOut() {
        batching.start(nested(), Duration.ofHours(1));
        log("one");
        log("two");
        assertEquals("", out.toString());
        batching.stop();
        assertEquals("one\ntwo\n", out.toString());
        log("three");
        assertEquals("one\ntwo\nthree\n", out.toString(), "after stop lines are written at once again");
    }

    @Test
    void theFlusherWritesBatchedLinesEveryPeriod() throws InterruptedException {
        batching.start(nested(), Duration.ofMillis(20));
        log("one");
        while (out.toString().isEmpty()) {
            Thread.sleep(5);
        }
        assertEquals("one\n", out.toString());
    }

    @Test
    void withNoWriterUnderTheRootNothingIsStarted() {
        batching.start(new Handler[0], Duration.ofMillis(20));
        log("one");
        assertEquals("one\n", out.toString());
    }

    /** As Quarkus sets it up: the writer inside another handler on the root logger. */
    private Handler[] nested() {
        ExtHandler parent = new ExtHandler() {};
        parent.addHandler(writer);
        return new Handler[] {parent};
    }

    private void log(String message) {
        writer.publish(new ExtLogRecord(Level.INFO, message, LogBatchingTest.class.getName()));
    }
}
