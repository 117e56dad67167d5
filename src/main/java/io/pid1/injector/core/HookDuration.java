package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an author's preStop hook keeps the server running before the stop signal: a {@code sleep}
 * action, or the {@code sleep N} commands of an {@code exec} hook ({@code ["sleep", "10"]},
 * {@code sh -c "sleep 10 && nginx -s quit"}). Anything else (an {@code httpGet}, a wait loop) counts
 * as nothing, which only ever makes the grace period shorter than needed, never the pod wrong.
 * Hand-written: the shell package proves one command line for exec, it does not read a script's steps.
 */
final class HookDuration {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "ksh", "zsh");
    private static final Pattern STEP = Pattern.compile("\\s*(?:exec\\s+)?(?:\\S*/)?sleep\\s+(\\d{1,6})s?\\s*");
    private static final Pattern SEPARATOR = Pattern.compile("&&|\\|\\||;|\\n");
    /** One day: a longer sum is no hook anyone meant, and keeps the grace arithmetic in int range. */
    private static final int MAX_SECONDS = 86_400;

    private HookDuration() {}

    /** Seconds the hook waits, as far as it can be read; 0 when it cannot. */
    static int of(JsonNode preStop) {
        if (preStop.has("sleep")) {
            return Math.min(
                    MAX_SECONDS,
                    Math.max(0, preStop.path("sleep").path("seconds").asInt(0)));
        }
        List<String> argv = Json.strings(preStop.path("exec").get("command")).orElse(List.of());
        if (argv.isEmpty()) {
            return 0;
        }
        String program = ContainerDraft.basename(argv.get(0));
        if (program.equals("sleep")) {
            return seconds(String.join(" ", argv));
        }
        if (SHELLS.contains(program) && argv.size() > 2 && argv.get(1).equals("-c")) {
            long total = 0;
            for (String step : SEPARATOR.split(argv.get(2))) {
                total += seconds(step);
            }
            return (int) Math.min(MAX_SECONDS, total);
        }
        return 0;
    }

    private static int seconds(String step) {
        Matcher m = STEP.matcher(step);
        return m.matches() ? Math.min(MAX_SECONDS, Integer.parseInt(m.group(1))) : 0;
    }
}
