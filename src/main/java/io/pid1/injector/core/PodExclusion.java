package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Pods the engine leaves exactly as they are, whatever they run: Windows pods, where tini and
 * {@code pid1-init} are Linux binaries that cannot start, and mirror pods, the API server's copies
 * of a kubelet's static pods, which the kubelet owns and never reads back.
 */
final class PodExclusion {

    static final String MIRROR = "kubernetes.io/config.mirror";
    static final String OS_LABEL = "kubernetes.io/os";

    private PodExclusion() {
    }

    /** The finding that says why {@code pod} is left alone; empty when the engine may fix it. */
    static Optional<Finding> of(JsonNode pod) {
        if (pod.path("metadata").path("annotations").has(MIRROR)) {
            return Optional.of(Finding.pod("mirror pod of a static pod (" + MIRROR
                    + "): the kubelet owns it; left as is"));
        }
        JsonNode spec = pod.path("spec");
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
