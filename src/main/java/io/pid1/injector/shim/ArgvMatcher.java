package io.pid1.injector.shim;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern REFERENCE = Pattern.compile("\\$\\([A-Za-z_][A-Za-z0-9_.-]*\\)");

    private ArgvMatcher() {}

    /** How {@code actual} (a process's command line) fits {@code expected} (a container's argv). */
    public static Fit fit(List<String> expected, List<String> actual) {
        if (expected.isEmpty() || actual.isEmpty()) {
            return Fit.NONE;
        }
        if (tailMatches(expected, actual)) {
            return Fit.ARGV;
        }
        if (actual.stream().filter(arg -> !arg.isEmpty()).count() != 1) {
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

    private static boolean retitled(List<String> expected, String program, String title) {
        String tail = String.join(" ", expected.subList(1, expected.size()));
        String wanted = tail.isEmpty() ? program : program + " " + tail;
        Matcher matcher = pattern(wanted, "(?:^|.*[ /])", "").matcher(title);
        return matcher.matches();
    }

    private static boolean argumentMatches(String expected, String actual) {
        if (!expected.contains("$(")) {
            return expected.equals(actual);
        }
        return pattern(expected, "", "").matcher(actual).matches();
    }

    /** {@code text} as a literal pattern in which each {@code $(VAR)} matches any text. */
    private static Pattern pattern(String text, String prefix, String suffix) {
        StringBuilder regex = new StringBuilder(prefix);
        Matcher reference = REFERENCE.matcher(text);
        int from = 0;
        while (reference.find()) {
            regex.append(Pattern.quote(text.substring(from, reference.start()))).append(".*");
            from = reference.end();
        }
        regex.append(Pattern.quote(text.substring(from))).append(suffix);
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
