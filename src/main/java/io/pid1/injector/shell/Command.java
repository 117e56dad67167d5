package io.pid1.injector.shell;

import java.util.List;

/**
 * A simple command: its {@code NAME=value} prefixes, its words (possibly none), and how it is
 * joined to the command before it.
 */
record Command(List<Word> assignments, List<Word> words, Link link) {

    /** How a command follows the previous one. */
    enum Link {
        /** The script's first command. */
        FIRST,
        /** {@code previous && this}. */
        AND,
        /** {@code previous; this} or a newline. */
        SEQUENCE
    }

    /**
     * The first word when it is literal, for builtin checks ({@code "exec"} is still the builtin,
     * unlike a quoted keyword); else null.
     */
    String name() {
        return words.isEmpty() ? null : words.get(0).literalText();
    }
}
