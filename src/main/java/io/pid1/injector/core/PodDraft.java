package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The pod being fixed: a deep copy of the pod as received, edited in place, and what was said. */
final class PodDraft {

    static final String INIT_CONTAINER = "pid1-init";
    static final String VOLUME = "pid1-bin";
    static final String MOUNT_PATH = "/.pid1";
    static final String TINI = MOUNT_PATH + "/tini";
    static final String BUSYBOX = MOUNT_PATH + "/busybox";
    static final int DEFAULT_GRACE_SECONDS = 30;

    final ObjectNode pod;
    final ObjectNode spec;
    final PodOptions options;
    final Settings settings;
    private final List<Finding> findings = new ArrayList<>();
    /** Why the pod's own names keep out {@code pid1-init} and {@code pid1-bin}, read before any fix. */
    final Optional<String> binariesTaken;
    /** Why the pod's own names keep out {@code pid1-shim}. */
    final Optional<String> shimTaken;
    /** Containers handed to {@code pid1-shim} by this admission, written into its config at the end. */
    final List<ObjectNode> shimEntries = new ArrayList<>();
    private final Supplier<String> shimTokens;

    PodDraft(ObjectNode pod, PodOptions options, Settings settings, Supplier<String> shimTokens) {
        this.pod = pod;
        this.spec = Json.object(pod, "spec");
        this.options = options;
        this.settings = settings;
        this.binariesTaken = InjectedNames.binaries(spec);
        this.shimTaken = InjectedNames.shim(spec);
        this.shimTokens = shimTokens;
    }

    /** A new drain token for a pod that gets its {@code pid1-shim} now. */
    String newShimToken() {
        return shimTokens.get();
    }

    void applied(ContainerDraft container, FixKind fix, String message) {
        container.applied.add(fix);
        findings.add(Finding.applied(container.name, fix, message));
    }

    void report(ContainerDraft container, FixKind fix, String message) {
        findings.add(Finding.reported(container.name, fix, message));
    }

    /** A finding about a container that belongs to no fix: its image or its command could not be read. */
    void reportContainer(ContainerDraft container, String message) {
        findings.add(new Finding(Optional.of(container.name), Optional.empty(), false, message));
    }

    void reportPod(FixKind fix, String message) {
        findings.add(new Finding(Optional.empty(), Optional.of(fix), false, message));
    }

    void appliedPod(FixKind fix, String message) {
        findings.add(new Finding(Optional.empty(), Optional.of(fix), true, message));
    }

    List<Finding> findings() {
        return findings;
    }

    /** Long-running pods get probes and drains; a Job's pod runs to completion. */
    boolean longRunning() {
        String policy = spec.path("restartPolicy").asText("Always");
        return policy.equals("Always");
    }

    /**
     * The field is an int64: a value beyond int range is read whole, and one beyond int64 (only a hand-made
     * review can send it) counts as the longest grace, so that it is never "raised" to something shorter.
     */
    long graceSeconds() {
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace == null || !grace.isNumber()) {
            return DEFAULT_GRACE_SECONDS;
        }
        if (grace.canConvertToLong()) {
            return grace.asLong();
        }
        return grace.decimalValue().signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    void setGraceSeconds(int seconds) {
        spec.put("terminationGracePeriodSeconds", seconds);
    }

    boolean sharesProcessNamespace() {
        return spec.path("shareProcessNamespace").asBoolean(false);
    }

    boolean hostPid() {
        return spec.path("hostPID").asBoolean(false);
    }

    /**
     * Makes the static binaries available at {@code /.pid1} in {@code container}: the
     * {@code pid1-init} init container (first, once per pod) copies them into the {@code pid1-bin}
     * emptyDir, mounted read-only.
     */
    void mountBinaries(ContainerDraft container) {
        ArrayNode initContainers = Json.arrayAt(spec, "initContainers");
        if (!Json.hasNamed(initContainers, INIT_CONTAINER)) {
            initContainers.insert(0, InitContainer.node(settings.initImage(), spec.path("securityContext")));
        }
        ArrayNode volumes = Json.arrayAt(spec, "volumes");
        if (!Json.hasNamed(volumes, VOLUME)) {
            volumes.add(InitContainer.volume());
        }
        ArrayNode mounts = Json.arrayAt(container.node, "volumeMounts");
        if (!Json.hasNamed(mounts, VOLUME)) {
            mounts.addObject().put("name", VOLUME).put("mountPath", MOUNT_PATH).put("readOnly", true);
        }
    }
}
