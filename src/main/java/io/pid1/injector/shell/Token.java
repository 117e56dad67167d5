package io.pid1.injector.shell;

/** What the {@link Lexer} yields: a word or a separator. */
sealed interface Token {

    /** A word. */
    record WordToken(Word word) implements Token {}

    /** {@code &&}, {@code ;} or a newline. */
    record Separator(Kind kind) implements Token {}

    /** The separators the reader accepts. */
    enum Kind {
        AND,
        SEMICOLON,
        NEWLINE
    }
}
