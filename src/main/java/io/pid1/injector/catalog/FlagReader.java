package io.pid1.injector.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads given flags out of a program's arguments: {@code --flag value}, {@code --flag=value}, and
 * for one-letter flags {@code -w4}. Arguments from an env variable ({@code GUNICORN_CMD_ARGS})
 * come before the command line's, which override them; a server that reads each long flag from
 * env ({@code UWSGI_DIE_ON_TERM}) is asked last. Values are resolved for {@code $(VAR)}.
 */
final class FlagReader {

    private static final Set<String> FALSE_WORDS = Set.of("", "0", "false", "no", "off");

    private final List<String> envArgs;
    private final List<String> args;
    private final Map<String, String> env;
    private final Optional<String> envPrefix;

    /**
     * @param args      the program's command-line arguments
     * @param envArgs   arguments taken from an env variable; the command line overrides them
     * @param env       the container's env, for {@code $(VAR)} references and {@code envPrefix}
     * @param envPrefix prefix under which each long flag may be set from env
     */
    FlagReader(List<String> args, List<String> envArgs, Map<String, String> env, Optional<String> envPrefix) {
        this.args = List.copyOf(args);
        this.envArgs = List.copyOf(envArgs);
        this.env = env;
        this.envPrefix = envPrefix;
    }

    /** A reader of {@code args} alone. */
    static FlagReader of(List<String> args, Map<String, String> env) {
        return new FlagReader(args, List.of(), env, Optional.empty());
    }

    /** Whether {@code flag} is given, with or without a value (not {@code false} when from env). */
    boolean has(String flag) {
        if (!occurrences(args, List.of(flag)).isEmpty()
                || !occurrences(envArgs, List.of(flag)).isEmpty()) {
            return true;
        }
        return fromEnv(flag)
                .map(value -> !FALSE_WORDS.contains(value.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }

    /** Whether any of {@code flags} is given. */
    boolean hasAny(List<String> flags) {
        for (int i = 0; i < flags.size(); i++) {
            if (has(flags.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The values of {@code flags} in the order given, from the source that decides: the command
     * line if it has any, else the env arguments, else the env variables. Each value is empty when
     * it is missing or refers to an unknown variable.
     */
    List<Optional<String>> values(List<String> flags) {
        List<Optional<String>> values = occurrences(args, flags);
        if (values.isEmpty()) {
            values = occurrences(envArgs, flags);
        }
        if (values.isEmpty()) {
            values = new ArrayList<>();
            for (String flag : flags) {
                if (fromEnvVariable(flag).isPresent()) {
                    values.add(fromEnv(flag));
                }
            }
        }
        return values;
    }

    /** The value that takes effect when a flag is given more than once: the last one. */
    Optional<Optional<String>> last(List<String> flags) {
        List<Optional<String>> values = values(flags);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** The values of {@code flags} in {@code words}; read for each flag of each server, so walked by index. */
    private List<Optional<String>> occurrences(List<String> words, List<String> flags) {
        List<Optional<String>> values = new ArrayList<>(0);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            for (int f = 0; f < flags.size(); f++) {
                String flag = flags.get(f);
                if (word.equals(flag)) {
                    values.add(i + 1 < words.size() ? resolve(words.get(i + 1)) : Optional.empty());
                } else if (word.length() > flag.length()
                        && word.charAt(flag.length()) == '='
                        && word.startsWith(flag)) {
                    values.add(resolve(word.substring(flag.length() + 1)));
                } else if (isShort(flag) && word.startsWith(flag) && !word.startsWith("--")) {
                    values.add(resolve(word.substring(flag.length())));
                }
            }
        }
        return values;
    }

    private static boolean isShort(String flag) {
        return flag.length() == 2 && flag.charAt(0) == '-' && flag.charAt(1) != '-';
    }

    private Optional<String> resolve(String word) {
        return EnvRefs.resolve(word, env);
    }

    private Optional<String> fromEnv(String flag) {
        return fromEnvVariable(flag).map(env::get);
    }

    private Optional<String> fromEnvVariable(String flag) {
        if (envPrefix.isEmpty() || !flag.startsWith("--")) {
            return Optional.empty();
        }
        String name = EnvOption.variable(envPrefix.get(), flag);
        return env.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /** Splits an env variable's value into words the way a shell would, for quotes and spaces. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
