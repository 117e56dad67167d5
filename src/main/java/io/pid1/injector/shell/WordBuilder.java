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
        continueText(quoted);
        text.append(chars);
    }

    /** One character, appended as it is: most of a script is read one character at a time. */
    void literal(char c, boolean quoted) {
        continueText(quoted);
        text.append(c);
    }

    void part(WordPart part) {
        flush();
        parts.add(part);
    }

    /** The parts collected, after which the builder is empty again for the next word. */
    List<WordPart> build() {
        flush();
        List<WordPart> built = List.copyOf(parts);
        parts.clear();
        return built;
    }

    private void continueText(boolean quoted) {
        if (hasText && textQuoted != quoted) {
            flush();
        }
        textQuoted = quoted;
        hasText = true;
    }

    private void flush() {
        if (hasText) {
            parts.add(new WordPart.Literal(text.toString(), textQuoted));
            text.setLength(0);
            hasText = false;
        }
    }
}
