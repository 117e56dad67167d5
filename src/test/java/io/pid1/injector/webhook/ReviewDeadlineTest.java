package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The answer is due a little before kube-apiserver's {@code ?timeout=}, whatever a client writes there. */
class ReviewDeadlineTest {

    @ParameterizedTest(name = "timeout={0}: due after {1} to {2} ms")
    @CsvSource(
            nullValues = "none",
            value = {
                "10s, 8900, 9000", "1m0s, 29000, 29000", "1s, 790, 800", "500ms, 390, 400", "2.5s, 1990, 2000",
                "none, 8900, 9000", "'', 8900, 9000", "soon, 8900, 9000", "-5s, 8900, 9000", "0s, 8900, 9000",
                "1000h, 29000, 29000"
            })
    void theAnswerIsDueBeforeTheApiServerGivesUp(String timeout, long atLeastMillis, long atMostMillis) {
        long remaining =
                TimeUnit.NANOSECONDS.toMillis(ReviewDeadline.after(timeout).remainingNanos());
        assertTrue(remaining >= atLeastMillis - 100 && remaining <= atMostMillis, timeout + ": " + remaining + " ms");
    }
}
