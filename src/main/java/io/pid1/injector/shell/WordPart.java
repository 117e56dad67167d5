package io.pid1.injector.shell;

/** One piece of a shell word, in source order. */
sealed interface WordPart {

    /** Whether the piece was inside quotes (or escaped by a backslash). */
    boolean quoted();

    /** Literal characters; unquoted ones may still be special ({@code * ? [ ~ { }}). */
    record Literal(String text, boolean quoted) implements WordPart {}

    /**
     * A parameter expansion {@code $name}, {@code ${name}} or {@code ${name<operator>word}};
     * {@code name} may be a special parameter ({@code @ * # ? - $ !}) or a digit string,
     * {@code operator} is empty for a plain expansion, else e.g. {@code ":-"}, {@code "#"},
     * or {@code "length"} for {@code ${#name}}.
     */
    record Parameter(String name, String operator, boolean quoted) implements WordPart {}

    /** An arithmetic expansion {@code $((…))}. */
    record Arithmetic(boolean quoted) implements WordPart {}
}
