package io.pid1.injector.catalog;

import java.util.List;

/** Matches argv[0] against the catalog's executable patterns. */
final class ExecutablePatterns {

    private ExecutablePatterns() {}

    /** The part after the last {@code /}. */
    static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Whether {@code word} is started by one of {@code patterns}: a pattern starting with {@code /}
     * must equal {@code word}; one ending with {@code *} is a prefix of its basename; any other
     * equals its basename.
     */
    static boolean matches(List<String> patterns, String word) {
        String base = basename(word);
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern.startsWith("/") ? word.equals(pattern) : matchesBase(pattern, base)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesBase(String pattern, String base) {
        if (pattern.endsWith("*")) {
            return base.regionMatches(0, pattern, 0, pattern.length() - 1);
        }
        return base.equals(pattern);
    }
}
