package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.catalog.Server;
import java.util.OptionalInt;

/**
 * {@code prestop}: endpoints are removed while the pod stops, so traffic keeps arriving for a few
 * seconds; a preStop sleep lets it drain before the server is signalled. The grace period must then
 * cover the drain, the server's own graceful timeout and a margin; it is raised, never lowered.
 */
final class PreStopFix implements Fix {

    static final int MARGIN_SECONDS = 5;

    @Override
    public FixKind kind() {
        return FixKind.PRESTOP;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.server().isEmpty() || !pod.longRunning()) {
            return;
        }
        Server server = c.server().get();
        int drain = existingDrain(pod, c);
        if (!c.node.path("lifecycle").has("preStop") && listens(c) && pod.options.drainSeconds() > 0) {
            drain = pod.options.drainSeconds();
            Json.object(Json.object(c.node, "lifecycle"), "preStop")
                    .putObject("sleep")
                    .put("seconds", drain);
            pod.applied(
                    c, kind(), "preStop sleeps " + drain + "s so endpoints drain before " + server.name() + " stops");
        }
        OptionalInt graceful = pod.options.gracefulSeconds(c.name);
        if (graceful.isEmpty()) {
            graceful = c.launch().gracefulTimeout();
        }
        if (graceful.isEmpty()) {
            pod.report(
                    c,
                    kind(),
                    server.name() + " has no graceful timeout; set " + PodOptions.GRACEFUL_SECONDS
                            + " to size the grace period");
        }
        int needed = drain + graceful.orElse(0) + MARGIN_SECONDS;
        long current = pod.graceSeconds();
        if (current < needed) {
            pod.setGraceSeconds(needed);
            pod.applied(
                    c,
                    kind(),
                    "terminationGracePeriodSeconds raised from " + current + " to " + needed + " (drain " + drain
                            + "s + graceful " + graceful.orElse(0) + "s + " + MARGIN_SECONDS + "s)");
        }
    }

    /**
     * Seconds an existing preStop hook keeps the server running: our signal hook's drain, else what the
     * author's hook is read to wait ({@link HookDuration}).
     */
    private static int existingDrain(PodDraft pod, ContainerDraft c) {
        JsonNode preStop = c.node.path("lifecycle").path("preStop");
        boolean ours = c.applied.contains(FixKind.SIGNAL) && preStop.has("exec") || c.supervised();
        return ours && !preStop.has("sleep") ? pod.options.drainSeconds() : HookDuration.of(preStop);
    }

    private static boolean listens(ContainerDraft c) {
        return c.launch().port().isPresent() || c.node.path("ports").size() > 0;
    }
}
