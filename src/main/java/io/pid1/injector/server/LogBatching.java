package io.pid1.injector.server;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.WriterHandler;

/**
 * While the webhook serves, its log handlers (the console, and files if configured) write through their
 * buffer and are flushed every {@link #PERIOD}, instead of one write to stdout per line: the per-pod line
 * then costs a formatted string, not a system call and a thread wake-up. A line reaches the log at most
 * {@link #PERIOD} late; at shutdown the handlers are flushed and write through again. Only a hard kill
 * (SIGKILL, {@code ExitOnOutOfMemoryError}) loses the last {@link #PERIOD} of lines.
 */
@ApplicationScoped
class LogBatching {

    static final Duration PERIOD = Duration.ofMillis(100);

    private List<WriterHandler> writers = List.of();
    private ScheduledExecutorService flusher;

    void serving(@ObservesAsync HttpsServerStart event) {
        start(LogContext.getLogContext().getLogger("").getHandlers(), PERIOD);
    }

    void stopping(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start(Handler[] roots, Duration period) {
        if (flusher != null) {
            return;
        }
        List<WriterHandler> found = new ArrayList<>();
        collect(roots, found);
        if (found.isEmpty()) {
            return;
        }
        List<WriterHandler> batched = List.copyOf(found);
        batched.forEach(writer -> writer.setAutoFlush(false));
        writers = batched;
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pid1-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(
                () -> batched.forEach(WriterHandler::flush),
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (flusher != null) {
            flusher.shutdown();
            flusher = null;
        }
        for (WriterHandler writer : writers) {
            writer.setAutoFlush(true);
            writer.flush();
        }
        writers = List.of();
    }

    /** The writers under the root logger's handlers, also inside Quarkus' delayed and async handlers. */
    private static void collect(Handler[] handlers, List<WriterHandler> found) {
        for (Handler handler : handlers) {
            if (handler instanceof WriterHandler writer) {
                found.add(writer);
            } else if (handler instanceof ExtHandler parent) {
                collect(parent.getHandlers(), found);
            }
        }
    }
}
