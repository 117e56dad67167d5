package io.pid1.injector.webhook;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that analyse reviews over {@link AdmissionService#INLINE_BYTES}: two at a time, four more
 * waiting, so the memory large reviews take is bounded whatever the API server sends at once, and the I/O
 * threads stay free for the small reviews that are nearly all of them. A review that finds the queue full
 * is not queued: the pod is admitted unchanged with a warning.
 */
@ApplicationScoped
class LargeReviews {

    static final int THREADS = 2;
    static final int WAITING = 4;

    private final AtomicInteger started = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(
            THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(WAITING), work -> {
                Thread thread = new Thread(work, "pid1-large-review-" + started.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    /** Runs {@code work} on one of the threads, now or after the reviews waiting; false when the queue is full. */
    boolean offer(Runnable work) {
        try {
            pool.execute(work);
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
