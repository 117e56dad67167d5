package io.pid1.injector.shell;

import java.util.List;
import java.util.regex.Pattern;

/** A shell word: its parts and where it stands in the script ({@code start} inclusive, {@code end} exclusive). */
record Word(List<WordPart> parts, int start, int end) {

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=");

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
                && ASSIGNMENT.matcher(literal.text()).lookingAt();
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
