package io.pid1.injector.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OneLineTest {

    @Test
    void theFirstLineIsKeptAndTheRestDropped() {
        assertEquals("Unexpected character", OneLine.of("Unexpected character\n at [Source: line 1]", "x"));
        assertEquals("after blank lines", OneLine.of("\n\n  after blank lines  \r\nmore", "x"));
    }

    @Test
    void aMissingOrBlankMessageGivesTheFallback() {
        assertEquals("unreadable", OneLine.of(null, "unreadable"));
        assertEquals("unreadable", OneLine.of(" \n ", "unreadable"));
        assertEquals("IOException", OneLine.of(new IOException()));
    }

    @Test
    void aLongLineIsCut() {
        assertEquals("abc", OneLine.of("abcdef\nghi", "x", 3));
        assertEquals("ab", OneLine.of("ab", "x", 3));
    }
}
