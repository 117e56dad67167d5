package io.pid1.injector.shell;

import java.util.ArrayList;
import java.util.List;

/** Collects the parts of a word, merging neighbouring literal characters of the same quoting. */
final class WordBuilder {

    private final List<WordPart> parts = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean textQuoted;
    private boolean hasText;

    void literal(String chars, boolean quoted) {
        if (hasText && textQuoted != quoted) {
            flush();
        }
        text.append(chars);
        textQuoted = quoted;
        hasText = true;
    }

    void literal(char c, boolean quoted) {
        literal(String.valueOf(c), quoted);
    }

    void part(WordPart part) {
        flush();
        parts.add(part);
    }

    List<WordPart> build() {
        flush();
        return List.copyOf(parts);
    }

    private void flush() {
        if (hasText) {
            parts.add(new WordPart.Literal(text.toString(), textQuoted));
            text.setLength(0);
            hasText = false;
        }
    }
}
