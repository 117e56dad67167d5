package io.pid1.injector.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One thing the engine changed or noticed, said in one {@code pid1:} line.
 *
 * @param container the container it is about; empty for the pod as a whole
 * @param fix       the fix it belongs to; empty for a finding of no fix (a bad annotation)
 * @param applied   true when the pod was changed, false when it is only reported
 * @param message   the sentence after the container name, e.g. {@code gunicorn ran under "sh -c"; now exec form under tini}
 */
public record Finding(Optional<String> container, Optional<FixKind> fix, boolean applied, String message) {

    /** The apiserver may truncate longer warnings; docs/reference.md keeps each under 120 characters. */
    static final int MAX_LINE = 119;

    private static final Pattern BREAKS = Pattern.compile("[\\r\\n\\t]+");

    public static Finding applied(String container, FixKind fix, String message) {
        return new Finding(Optional.of(container), Optional.of(fix), true, message);
    }

    public static Finding reported(String container, FixKind fix, String message) {
        return new Finding(Optional.of(container), Optional.of(fix), false, message);
    }

    public static Finding pod(String message) {
        return new Finding(Optional.empty(), Optional.empty(), false, message);
    }

    /** The one-line form used in warnings, audit annotations, logs and the CLI. */
    public String line() {
        String text =
                container.map(c -> "pid1: container \"" + c + "\": " + message).orElse("pid1: " + message);
        String oneLine = text.indexOf('\r') < 0 && text.indexOf('\n') < 0 && text.indexOf('\t') < 0
                ? text
                : BREAKS.matcher(text).replaceAll(" ");
        return oneLine.length() <= MAX_LINE ? oneLine : oneLine.substring(0, MAX_LINE - 1) + "…";
    }
}
