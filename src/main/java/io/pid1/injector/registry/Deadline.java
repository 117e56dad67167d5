package io.pid1.injector.registry;

import java.time.Duration;

/**
 * The end of one admission's lookups.
 *
 * @param endNanos {@link System#nanoTime()} at the end
 * @param budget   the whole time allowed, named in the timeout reason
 */
record Deadline(long endNanos, Duration budget) {

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    /** Time left; zero or negative once passed. */
    Duration remaining() {
        return Duration.ofNanos(endNanos - System.nanoTime());
    }

    String timeoutReason() {
        return "timed out after " + budget.toMillis() + " ms";
    }
}
