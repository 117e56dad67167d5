package io.pid1.injector.shim;

import java.util.ArrayList;
import java.util.List;

/**
 * Says how well a process's command line fits a container's argv. Best first:
 * <ul>
 *   <li>{@link Fit#ARGV}: the argv exactly, or as the tail of a longer command line (an interpreter
 *       in front: {@code python3 /usr/bin/gunicorn app:app} for {@code gunicorn app:app}); the
 *       program is compared by its base name, and a Kubernetes reference {@code $(VAR)} in the argv
 *       stands for any text;</li>
 *   <li>{@link Fit#RETITLED}: a process that rewrote its command line into one title (a single
 *       argument, perhaps padded with empty ones) ending in the argv
 *       ({@code nginx: master process /usr/sbin/nginx -g daemon off;});</li>
 *   <li>{@link Fit#TITLE}: a master title naming only the program
 *       ({@code php-fpm: master process (…)}, {@code gunicorn: master [app:app]}).</li>
 * </ul>
 */
public final class ArgvMatcher {

    /** How a command line fits, worst first, so that a larger ordinal is a better fit. */
    public enum Fit {
        NONE,
        TITLE,
        RETITLED,
        ARGV
    }

    private ArgvMatcher() {}

    /** How {@code actual} (a process's command line) fits {@code expected} (a container's argv). */
    public static Fit fit(List<String> expected, List<String> actual) {
        if (expected.isEmpty() || actual.isEmpty()) {
            return Fit.NONE;
        }
        if (tailMatches(expected, actual)) {
            return Fit.ARGV;
        }
        int nonEmpty = 0;
        for (String arg : actual) {
            nonEmpty += arg.isEmpty() ? 0 : 1;
        }
        if (nonEmpty != 1) {
            return Fit.NONE;
        }
        String title = String.join(" ", actual).trim();
        String program = baseName(expected.get(0));
        if (retitled(expected, program, title)) {
            return Fit.RETITLED;
        }
        return title.startsWith(program + ": master") ? Fit.TITLE : Fit.NONE;
    }

    private static boolean tailMatches(List<String> expected, List<String> actual) {
        int offset = actual.size() - expected.size();
        if (offset < 0 || !baseName(actual.get(offset)).equals(baseName(expected.get(0)))) {
            return false;
        }
        for (int i = 1; i < expected.size(); i++) {
            if (!argumentMatches(expected.get(i), actual.get(offset + i))) {
                return false;
            }
        }
        return true;
    }

    /** The title ends in {@code program tail…}, which starts the title or follows a space or a slash. */
    private static boolean retitled(List<String> expected, String program, String title) {
        String tail = String.join(" ", expected.subList(1, expected.size()));
        List<String> wanted = literals(tail.isEmpty() ? program : program + " " + tail);
        for (int start = 0; start >= 0; start = nextStart(title, start)) {
            if (matches(wanted, title.substring(start))) {
                return true;
            }
        }
        return false;
    }

    private static int nextStart(String title, int after) {
        for (int i = after; i < title.length(); i++) {
            if (title.charAt(i) == ' ' || title.charAt(i) == '/') {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean argumentMatches(String expected, String actual) {
        if (!expected.contains("$(")) {
            return expected.equals(actual);
        }
        return matches(literals(expected), actual);
    }

    /** The literal parts of {@code text} around each Kubernetes reference {@code $(VAR)}, in order. */
    private static List<String> literals(String text) {
        List<String> literals = new ArrayList<>();
        int from = 0;
        for (int at = text.indexOf("$("); at >= 0; at = text.indexOf("$(", at + 1)) {
            int end = referenceEnd(text, at);
            if (end > 0) {
                literals.add(text.substring(from, at));
                from = end;
                at = end - 1;
            }
        }
        literals.add(text.substring(from));
        return literals;
    }

    /** Where the reference {@code $([A-Za-z_][A-Za-z0-9_.-]*)} starting at {@code at} ends, or -1. */
    private static int referenceEnd(String text, int at) {
        if (at + 2 >= text.length() || !isNameStart(text.charAt(at + 2))) {
            return -1;
        }
        int i = at + 3;
        while (i < text.length() && (isNameStart(text.charAt(i)) || ".-0123456789".indexOf(text.charAt(i)) >= 0)) {
            i++;
        }
        return i < text.length() && text.charAt(i) == ')' ? i + 1 : -1;
    }

    private static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    /** Whether {@code actual} is the literals in their order with any text where each reference was. */
    private static boolean matches(List<String> literals, String actual) {
        String first = literals.get(0);
        String last = literals.get(literals.size() - 1);
        if (literals.size() == 1) {
            return actual.equals(first);
        }
        if (actual.length() < first.length() + last.length() || !actual.startsWith(first) || !actual.endsWith(last)) {
            return false;
        }
        int at = first.length();
        int limit = actual.length() - last.length();
        for (String literal : literals.subList(1, literals.size() - 1)) {
            int found = actual.indexOf(literal, at);
            if (found < 0 || found + literal.length() > limit) {
                return false;
            }
            at = found + literal.length();
        }
        return true;
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
