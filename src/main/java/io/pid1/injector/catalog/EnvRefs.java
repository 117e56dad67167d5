package io.pid1.injector.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves Kubernetes {@code $(VAR)} references in argv words from the container's env. */
final class EnvRefs {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    private EnvRefs() {}

    /**
     * {@code word} with each {@code $(VAR)} replaced by its literal value and {@code $$} by {@code $},
     * as the kubelet does; empty when a referenced variable is not defined or its value is unknown.
     */
    static Optional<String> resolve(String word, Map<String, String> env) {
        if (word.indexOf('$') < 0) {
            return Optional.of(word);
        }
        Matcher matcher = REFERENCE.matcher(word);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = name == null ? "$" : env.get(name);
            if (value == null) {
                return Optional.empty();
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return Optional.of(resolved.toString());
    }
}
