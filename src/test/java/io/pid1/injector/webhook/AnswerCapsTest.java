package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnswerCapsTest {

    static final List<String> TEN_THOUSAND = IntStream.range(0, 10_000)
            .mapToObj(i -> "pid1: container \"web" + i + "\": gunicorn now runs under tini")
            .toList();

    @Test
    void tenThousandFindingsBecomeThirtyWarningsEndingWithTheCountOfTheRest() {
        List<String> warnings = AnswerCaps.warnings(TEN_THOUSAND);
        assertEquals(30, warnings.size());
        assertEquals(TEN_THOUSAND.subList(0, 29), warnings.subList(0, 29));
        assertEquals("pid1: … and 9,971 more", warnings.get(29));
    }

    @Test
    void theFindingsAnnotationStopsAtTenKibibytesWithTheCountOfTheRest() {
        String annotation = AnswerCaps.annotation(TEN_THOUSAND);
        assertTrue(annotation.length() <= 10 * 1024, annotation.length() + " characters");
        List<String> lines = annotation.lines().toList();
        int kept = lines.size() - 1;
        assertEquals(TEN_THOUSAND.subList(0, kept), lines.subList(0, kept));
        assertEquals(String.format("pid1: … and %,d more", 10_000 - kept), lines.get(kept));
    }

    @Test
    void fewFindingsAreKeptWhole() {
        List<String> three = TEN_THOUSAND.subList(0, 3);
        assertSame(three, AnswerCaps.warnings(three));
        assertEquals(String.join("\n", three), AnswerCaps.annotation(three));
    }
}
