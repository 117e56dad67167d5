package io.pid1.injector.core;

import java.util.Locale;
import java.util.Optional;

/**
 * What became of one container the engine looked at: exactly one of four kinds, with why in a few words that
 * name the program. Told apart so that an audit with nothing to fix is not mistaken for one that saw nothing.
 *
 * @param container the container's name
 * @param kind      the outcome
 * @param reason    why, naming the program ({@code gunicorn: exec, init, probes}; {@code celery beat: a scheduler,
 *                  one process}; {@code image not readable: timeout})
 */
public record ContainerOutcome(String container, Kind kind, String reason) {

    /** The four outcomes, by the ids used in annotations, JSON, SARIF and the {@code outcome} metric label. */
    public enum Kind {
        /** The engine changed it (or would, for a pod that asks for a report only). */
        FIXED,
        /** A master-worker server that needs nothing: an init, a liveness probe, a preStop are there already. */
        FINE,
        /** The program is known, or not in the catalog: no master-worker fix applies. */
        NOT_MASTER_WORKER,
        /** The engine could not tell what runs: the image was not read, a script or an unknown launcher is first. */
        NOT_UNDERSTOOD;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The reason repeats words of the pod's command: what is outside printable ASCII goes as {@code \\uXXXX}. */
    public ContainerOutcome {
        reason = printable(reason);
    }

    /** Kept as it is when all printable ASCII, as nearly every reason is; else escaped from the first other. */
    private static String printable(String reason) {
        int i = 0;
        while (i < reason.length() && isPrintable(reason.charAt(i))) {
            i++;
        }
        if (i == reason.length()) {
            return reason;
        }
        StringBuilder safe = new StringBuilder(reason.length() + 8).append(reason, 0, i);
        for (; i < reason.length(); i++) {
            char ch = reason.charAt(i);
            if (isPrintable(ch)) {
                safe.append(ch);
            } else {
                safe.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            }
        }
        return safe.toString();
    }

    private static boolean isPrintable(int ch) {
        return ch >= 0x20 && ch < 0x7F;
    }

    static ContainerOutcome of(String container, Kind kind, String reason) {
        return new ContainerOutcome(container, kind, reason);
    }

    /** One line, made safe and cut as a finding's: {@code pid1: container "web": fixed (gunicorn: exec, init)}. */
    public String line() {
        return new Finding(Optional.of(container), Optional.empty(), false, kind.id() + " (" + reason + ")").line();
    }
}
