package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** The pod being fixed: a deep copy of the pod as received, edited in place, and what was said. */
final class PodDraft {

    static final String INIT_CONTAINER = "pid1-init";
    static final String VOLUME = "pid1-bin";
    static final String MOUNT_PATH = "/.pid1";
    static final String TINI = MOUNT_PATH + "/tini";
    static final String PROBE = MOUNT_PATH + "/pid1-probe";
    static final int DEFAULT_GRACE_SECONDS = 30;

    final ObjectNode pod;
    final ObjectNode spec;
    final PodOptions options;
    final Settings settings;
    private final List<Finding> findings = new ArrayList<>();
    /** Containers handed to {@code pid1-shim} by this admission, written into its config at the end. */
    final List<ObjectNode> shimEntries = new ArrayList<>();
    /** The binaries this admission's {@code pid1-init} copies, by file name. */
    private final SortedSet<String> copied = new TreeSet<>();
    private ObjectNode initContainer;

    PodDraft(ObjectNode pod, PodOptions options, Settings settings) {
        this.pod = pod;
        this.spec = Json.object(pod, "spec");
        this.options = options;
        this.settings = settings;
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

    int graceSeconds() {
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        return grace != null && grace.canConvertToInt() ? grace.asInt() : DEFAULT_GRACE_SECONDS;
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
     * Makes one static binary ({@link #TINI}, {@link #PROBE}) available in {@code container} at its
     * path: the {@code pid1-init} init container (first, once per pod) copies it into the
     * {@code pid1-bin} emptyDir, and the container mounts that one file read-only (a {@code subPath}
     * mount), so it never sees the copier or a binary it does not use.
     */
    void mountBinary(ContainerDraft container, String path) {
        String file = path.substring(MOUNT_PATH.length() + 1);
        ArrayNode initContainers = Json.arrayAt(spec, "initContainers");
        if (initContainer == null && !Json.hasNamed(initContainers, INIT_CONTAINER)) {
            initContainer = InitContainer.node(settings.initImage(), spec.path("securityContext"));
            initContainers.insert(0, initContainer);
        }
        if (initContainer != null && copied.add(file)) {
            initContainer.set("command", Json.array(InitContainer.copy(copied)));
        }
        ArrayNode volumes = Json.arrayAt(spec, "volumes");
        if (!Json.hasNamed(volumes, VOLUME)) {
            volumes.add(InitContainer.volume());
        }
        ArrayNode mounts = Json.arrayAt(container.node, "volumeMounts");
        for (JsonNode mount : mounts) {
            if (path.equals(mount.path("mountPath").asText())) {
                return;
            }
        }
        mounts.addObject().put("name", VOLUME).put("mountPath", path).put("subPath", file).put("readOnly", true);
    }
}
