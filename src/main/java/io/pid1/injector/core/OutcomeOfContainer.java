package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides a container's {@link ContainerOutcome} once every fix has run: what was applied, else whether the
 * engine could see what runs, else what the program is.
 */
final class OutcomeOfContainer {

    private OutcomeOfContainer() {}

    /**
     * @param c        the container after the fixes
     * @param reported the first finding a fix only reported about it, if any
     * @param images   the pod's image facts (why an image was not read)
     */
    static ContainerOutcome decide(
            PodDraft pod, ContainerDraft c, Optional<Finding> finding, ImageFacts images, String image) {
        Optional<String> reported = finding.map(Finding::message);
        if (c.tooLong()) {
            return notUnderstood(c, "command over " + ContainerDraft.MAX_COMMAND_CHARS / 1024 + " KiB, not read");
        }
        Set<FixKind> applied = EnumSet.noneOf(FixKind.class);
        applied.addAll(c.applied);
        applied.addAll(pod.fixesApplied(c.name));
        if (!applied.isEmpty()) {
            String fixes = applied.stream().map(FixKind::id).collect(Collectors.joining(", "));
            String subject = pod.knownSidecar(c.name).orElse(c.subject());
            return ContainerOutcome.of(c.name, ContainerOutcome.Kind.FIXED, subject + ": " + fixes);
        }
        if (finding.flatMap(Finding::fix).filter(FixKind.SIDECARS::equals).isPresent()) {
            return ContainerOutcome.of(
                    c.name,
                    ContainerOutcome.Kind.NOT_MASTER_WORKER,
                    pod.knownSidecar(c.name).orElse(c.subject()) + ", a sidecar: " + reported.get());
        }
        if (c.argv().isEmpty() && c.server().isEmpty()) {
            return notUnderstood(
                    c,
                    images.failure(image)
                            .map(why -> "image not readable: " + why)
                            .orElse(
                                    images.offline()
                                            ? "image configuration not read (offline)"
                                            : "image configuration not read"));
        }
        if (c.launch().processManager().isPresent()) {
            return notUnderstood(
                    c, "process manager " + c.launch().processManager().get() + "; what it runs is not read");
        }
        if (c.unknownLauncher().isPresent()) {
            return notUnderstood(c, "unknown launcher " + c.unknownLauncher().get());
        }
        if (c.server().isPresent()) {
            return reported.map(why -> notUnderstood(c, c.subject() + ": " + why))
                    .orElseGet(() -> fine(pod, c));
        }
        if (c.launch().notMasterWorker().isPresent()) {
            return ContainerOutcome.of(
                    c.name,
                    ContainerOutcome.Kind.NOT_MASTER_WORKER,
                    c.subject() + ": " + c.launch().notMasterWorker().get());
        }
        if (c.launch().init().isPresent() && c.launch().program().isEmpty()) {
            return notUnderstood(c, c.launch().init().get() + " with no command after it: what it runs is not read");
        }
        if (c.script().isPresent()) {
            return notUnderstood(c, "entrypoint script " + c.script().get() + "; what it starts is not read");
        }
        if (reported.isPresent()) {
            return notUnderstood(c, c.subject() + ": " + reported.get());
        }
        return ContainerOutcome.of(
                c.name,
                ContainerOutcome.Kind.NOT_MASTER_WORKER,
                c.subject() + ": no master-worker server of the catalog");
    }

    /** A container an earlier admission fixed ({@code pid1.io/status} names it). */
    static ContainerOutcome fixedEarlier(String container) {
        return ContainerOutcome.of(container, ContainerOutcome.Kind.FINE, "fixed at an earlier admission");
    }

    private static ContainerOutcome fine(PodDraft pod, ContainerDraft c) {
        List<String> present = new ArrayList<>();
        c.launch().init().ifPresent(init -> present.add("init " + init + " present"));
        JsonNode liveness = c.node.path("livenessProbe");
        if (liveness.has("httpGet") || liveness.has("exec") || liveness.has("grpc")) {
            present.add(liveness.has("httpGet") ? "HTTP liveness present" : "liveness present");
        }
        if (c.node.path("lifecycle").has("preStop")) {
            present.add("preStop present");
        }
        if (!pod.longRunning()) {
            present.add("a Job's pod");
        }
        String why = present.isEmpty() ? "nothing to change" : String.join(", ", present);
        return ContainerOutcome.of(c.name, ContainerOutcome.Kind.FINE, c.subject() + ": " + why);
    }

    private static ContainerOutcome notUnderstood(ContainerDraft c, String why) {
        return ContainerOutcome.of(c.name, ContainerOutcome.Kind.NOT_UNDERSTOOD, why);
    }
}
