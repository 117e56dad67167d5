package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code exec} probes that run {@code pid1-probe} (probe/pid1-probe.c) in the container: one
 * argv, with the timings that keep it from ever restarting a server that is only slow. Liveness
 * fails after 3 × 10 s, readiness after 2 × 5 s (so traffic goes first), and a startup probe with
 * five minutes of budget holds liveness off while the server starts.
 */
final class GenericCheck {

    /** The probe's own deadline is this much under the kubelet's, so its reason reaches the event. */
    private static final int MARGIN_MS = 500;

    private static final int MIN_DEADLINE_MS = 500;
    private static final int STARTUP_PERIOD = 5;
    private static final int STARTUP_BUDGET_SECONDS = 300;

    private GenericCheck() {}

    /** {@code pid1-probe http PORT --timeout-ms N}, N fitted to the probe's {@code timeoutSeconds}. */
    static List<String> http(int port, JsonNode probe) {
        int timeoutSeconds = probe.path("timeoutSeconds").asInt(1);
        int deadline = Math.max(MIN_DEADLINE_MS, timeoutSeconds * 1000 - MARGIN_MS);
        return List.of(PodDraft.PROBE, "http", String.valueOf(port), "--timeout-ms", String.valueOf(deadline));
    }

    /** {@code pid1-probe workers --min N [--under-init]}. */
    static List<String> workers(int min, boolean underInit) {
        List<String> argv = new ArrayList<>(List.of(PodDraft.PROBE, "workers", "--min", String.valueOf(min)));
        if (underInit) {
            argv.add("--under-init");
        }
        return argv;
    }

    /** An exec probe with liveness timing, whose {@link #command} is set once the timing is final. */
    static ObjectNode liveness() {
        return execProbe().put("periodSeconds", 10).put("timeoutSeconds", 3).put("failureThreshold", 3);
    }

    /** An exec probe with readiness timing, whose {@link #command} is set next. */
    static ObjectNode readiness() {
        return execProbe().put("periodSeconds", 5).put("timeoutSeconds", 3).put("failureThreshold", 2);
    }

    /**
     * Five minutes to start; an author's readiness that waits before its first try (it knows the
     * app) makes the startup probe wait as long. The timing alone, for a probe of another kind.
     */
    static ObjectNode startup(JsonNode readiness) {
        return startupTiming(Json.NODES.objectNode(), readiness);
    }

    /** An exec probe with {@link #startup} timing, whose {@link #command} is set next. */
    static ObjectNode startupExec(JsonNode readiness) {
        return startupTiming(execProbe(), readiness);
    }

    /** Sets {@code argv} as the command of an exec probe made here. */
    static ObjectNode command(ObjectNode probe, List<String> argv) {
        ((ObjectNode) probe.get("exec")).set("command", Json.array(argv));
        return probe;
    }

    /**
     * A probe whose first field is its {@code exec}, the command to come: built in place rather than as a timing
     * copied behind an exec, since the fields' order is the output's.
     */
    private static ObjectNode execProbe() {
        ObjectNode probe = Json.NODES.objectNode();
        probe.putObject("exec");
        return probe;
    }

    private static ObjectNode startupTiming(ObjectNode probe, JsonNode readiness) {
        int delay =
                readiness == null ? 0 : readiness.path("initialDelaySeconds").asInt(0);
        if (delay > 0) {
            probe.put("initialDelaySeconds", delay);
        }
        return probe.put("periodSeconds", STARTUP_PERIOD)
                .put("timeoutSeconds", 3)
                .put("failureThreshold", STARTUP_BUDGET_SECONDS / STARTUP_PERIOD);
    }
}
