package io.pid1.injector.catalog;

import java.util.List;
import java.util.function.Predicate;

/** Finds subcommand words in arguments, past options and their values. */
final class SubcommandWords {

    private SubcommandWords() {}

    /**
     * The index just after {@code expected} words found in order from {@code from}, or -1. Options
     * may come between them; an option without {@code =} takes the next word as its value unless
     * that word is the one expected. Any other word means the subcommand is not there.
     */
    static int after(List<String> words, int from, List<String> expected) {
        int i = from;
        for (String word : expected) {
            i = afterOne(words, i, word::equals);
            if (i < 0) {
                return -1;
            }
        }
        return i;
    }

    /** The index just after the first word that {@code expected} accepts, as {@link #after}. */
    static int afterOne(List<String> words, int from, Predicate<String> expected) {
        int i = from;
        while (i < words.size()) {
            String word = words.get(i);
            if (expected.test(word)) {
                return i + 1;
            }
            if (!isOption(word)) {
                return -1;
            }
            boolean takesNext = !word.contains("=")
                    && i + 1 < words.size()
                    && !isOption(words.get(i + 1))
                    && !expected.test(words.get(i + 1));
            i += takesNext ? 2 : 1;
        }
        return -1;
    }

    static boolean isOption(String word) {
        return word.length() > 1 && word.startsWith("-");
    }
}
