package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * Pods the engine leaves exactly as they are, whatever they run: Windows pods, where tini and
 * {@code pid1-init} are Linux binaries that cannot start, and mirror pods, the API server's copies
 * of a kubelet's static pods, which the kubelet owns and never reads back; and pods of more than
 * {@link #MAX_CONTAINERS} containers: no real pod comes near, and each analysed container costs a copy, a
 * patch and findings, so the work and the answer stay bounded.
 */
final class PodExclusion {

    static final String MIRROR = "kubernetes.io/config.mirror";
    static final String OS_LABEL = "kubernetes.io/os";
    static final int MAX_CONTAINERS = 100;

    private PodExclusion() {}

    /** The finding that says why {@code pod} is left alone; empty when the engine may fix it. */
    static Optional<Finding> of(JsonNode pod) {
        if (pod.path("metadata").path("annotations").has(MIRROR)) {
            return Optional.of(
                    Finding.pod("mirror pod of a static pod (" + MIRROR + "): the kubelet owns it; left as is"));
        }
        JsonNode spec = pod.path("spec");
        int containers =
                spec.path("containers").size() + spec.path("initContainers").size();
        if (containers > MAX_CONTAINERS) {
            return Optional.of(Finding.pod(String.format(
                    Locale.ROOT,
                    "%,d containers, over the %d this webhook analyses; left unchanged",
                    containers,
                    MAX_CONTAINERS)));
        }
        if (spec.path("os").path("name").asText("").equalsIgnoreCase("windows")) {
            return Optional.of(windows("spec.os.name"));
        }
        if (spec.path("nodeSelector").path(OS_LABEL).asText("").equalsIgnoreCase("windows")) {
            return Optional.of(windows("nodeSelector " + OS_LABEL));
        }
        return Optional.empty();
    }

    private static Finding windows(String where) {
        return Finding.pod("Windows pod (" + where + "): tini and pid1-init are Linux binaries; left as is");
    }
}
