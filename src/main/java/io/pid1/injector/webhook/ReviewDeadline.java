package io.pid1.injector.webhook;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;

/**
 * When a review's answer is due: kube-apiserver gives up on a webhook after the {@code ?timeout=} it sends
 * (Go's duration form, e.g. {@code 10s}), so work still running then is abandoned and the pod admitted
 * unchanged. The answer is due a little before, so that it still arrives. Quarkus' duration converter reads
 * the value (it takes {@code 10s}, {@code 1m0s} and {@code 500ms}); no Go-duration parser exists for Java.
 */
record ReviewDeadline(long nanos) {

    /** kube-apiserver's default {@code timeoutSeconds}, used when the request names none. */
    static final Duration DEFAULT = Duration.ofSeconds(10);
    /** kube-apiserver's longest {@code timeoutSeconds}: a client cannot hold a review longer. */
    static final Duration LONGEST = Duration.ofSeconds(30);
    /** Kept for the answer's way back: a fifth of the timeout, at most a second. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    static ReviewDeadline after(String timeout) {
        Duration given = parse(timeout);
        if (given.compareTo(LONGEST) > 0) {
            given = LONGEST;
        }
        Duration margin = given.dividedBy(5).compareTo(MARGIN) < 0 ? given.dividedBy(5) : MARGIN;
        return new ReviewDeadline(System.nanoTime() + given.minus(margin).toNanos());
    }

    /** The timeout given, or {@link #DEFAULT} when there is none, it is unreadable or not positive. */
    private static Duration parse(String timeout) {
        if (timeout == null || timeout.isBlank()) {
            return DEFAULT;
        }
        try {
            Duration given = DurationConverter.parseDuration(timeout.trim());
            return given == null || given.isNegative() || given.isZero() ? DEFAULT : given;
        } catch (RuntimeException unreadable) {
            return DEFAULT;
        }
    }

    long remainingNanos() {
        return nanos - System.nanoTime();
    }

    boolean passed() {
        return remainingNanos() <= 0;
    }
}
