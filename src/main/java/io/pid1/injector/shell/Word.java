package io.pid1.injector.shell;

import java.util.List;

/** A shell word: its parts and where it stands in the script ({@code start} inclusive, {@code end} exclusive). */
record Word(List<WordPart> parts, int start, int end) {

    /** The word's text when it is a single unquoted literal (a possible keyword or command name), else null. */
    String plainText() {
        if (parts.size() == 1 && parts.get(0) instanceof WordPart.Literal literal && !literal.quoted()) {
            return literal.text();
        }
        return null;
    }

    /** The word's text when it has only literal parts (quoted or not), else null. */
    String literalText() {
        if (parts.size() == 1) {
            return parts.get(0) instanceof WordPart.Literal literal ? literal.text() : null;
        }
        StringBuilder text = new StringBuilder();
        for (WordPart part : parts) {
            if (!(part instanceof WordPart.Literal literal)) {
                return null;
            }
            text.append(literal.text());
        }
        return text.toString();
    }

    /** Whether the word has the form {@code NAME=…} with an unquoted name and equals sign. */
    boolean isAssignment() {
        return !parts.isEmpty()
                && parts.get(0) instanceof WordPart.Literal literal
                && !literal.quoted()
                && startsWithName(literal.text());
    }

    /** Whether {@code text} starts with {@code NAME=}; asked of each command's first word, so not a regex. */
    private static boolean startsWithName(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0 || text.charAt(0) >= '0' && text.charAt(0) <= '9') {
            return false;
        }
        for (int i = 0; i < equals; i++) {
            char c = text.charAt(i);
            if (!(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the word has an unquoted {@code *}, {@code ?} or {@code [}. */
    boolean hasGlob() {
        for (WordPart part : parts) {
            if (part instanceof WordPart.Literal literal && !literal.quoted() && containsAny(literal.text(), "*?[")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} holds any of {@code chars}. */
    static boolean containsAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The word as written in {@code script}. */
    String raw(String script) {
        return script.substring(start, end);
    }
}
