package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

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
    final EngineSettings settings;
    /** What earlier admissions fixed: a container it names is left alone. */
    final Status status;

    private final List<Finding> findings = new ArrayList<>();
    /** What this admission changed, by container name ({@link Status#POD} for the pod), in the order done. */
    private final Map<String, Set<FixKind>> applied = new LinkedHashMap<>();
    /** The catalog's sidecars among the containers, by container name. */
    private final Map<String, String> sidecars = new HashMap<>();
    /** Why the pod's own names keep out {@code pid1-init} and {@code pid1-bin}, read before any fix. */
    final Optional<String> binariesTaken;
    /** Why the pod's own names keep out {@code pid1-shim}. */
    final Optional<String> shimTaken;
    /** Containers handed to {@code pid1-shim} by this admission, written into its config at the end. */
    final List<ObjectNode> shimEntries = new ArrayList<>();

    private final Supplier<String> shimTokens;
    /** The binaries this admission's {@code pid1-init} copies, by file name. */
    private final SortedSet<String> copied = new TreeSet<>();

    private ObjectNode initContainer;

    /** A container runs a known server: this admission recognised it, or an earlier one fixed it. */
    private boolean servesKnownServer;

    PodDraft(ObjectNode pod, PodOptions options, EngineSettings settings, Supplier<String> shimTokens) {
        this.pod = pod;
        this.spec = Json.object(pod, "spec");
        this.options = options;
        this.settings = settings;
        this.status = Status.read(pod);
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
        appliedTo(container.name, fix, message);
    }

    /** A change to a container that no {@link ContainerDraft} stands for (one moved by a pod step). */
    void appliedTo(String container, FixKind fix, String message) {
        applied.computeIfAbsent(container, name -> EnumSet.noneOf(FixKind.class))
                .add(fix);
        findings.add(Finding.applied(container, fix, message));
    }

    void report(ContainerDraft container, FixKind fix, String message) {
        findings.add(Finding.reported(container.name, fix, message));
    }

    /** A finding about a container that belongs to no fix: its image or its command could not be read. */
    void reportContainer(ContainerDraft container, String message) {
        findings.add(new Finding(Optional.of(container.name), Optional.empty(), false, message));
    }

    /** A finding about a container that no {@link ContainerDraft} stands for. */
    void reportContainer(String container, FixKind fix, String message) {
        findings.add(Finding.reported(container, fix, message));
    }

    void reportPod(FixKind fix, String message) {
        findings.add(new Finding(Optional.empty(), Optional.of(fix), false, message));
    }

    void appliedPod(FixKind fix, String message) {
        applied.computeIfAbsent(Status.POD, name -> EnumSet.noneOf(FixKind.class))
                .add(fix);
        findings.add(new Finding(Optional.empty(), Optional.of(fix), true, message));
    }

    /** Says that {@code container} is the catalog's sidecar {@code sidecar}, the name its outcome gives. */
    void knownSidecar(String container, String sidecar) {
        sidecars.put(container, sidecar);
    }

    /** The catalog's name of the sidecar {@code container} is, when it is one. */
    Optional<String> knownSidecar(String container) {
        return Optional.ofNullable(sidecars.get(container));
    }

    /** The fixes this admission applied to {@code container}, pod steps included (a sidecar moved). */
    Set<FixKind> fixesApplied(String container) {
        return applied.getOrDefault(container, Set.of());
    }

    /** The fixes applied, by container name, as {@code pid1.io/status} names them ({@link FixKind#switchedBy()}). */
    Map<String, List<String>> applied() {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        applied.forEach((name, fixes) -> {
            List<String> switches = new ArrayList<>(fixes.size());
            for (FixKind fix : fixes) {
                String id = fix.switchedBy().id();
                if (!switches.contains(id)) {
                    switches.add(id);
                }
            }
            ids.put(name, Collections.unmodifiableList(switches));
        });
        return ids;
    }

    List<Finding> findings() {
        return findings;
    }

    void servesKnownServer() {
        servesKnownServer = true;
    }

    /** Whether a container of the pod runs a server of the catalog (one {@link #status} names counts). */
    boolean hasKnownServer() {
        return servesKnownServer || status.coversAny();
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
     * Makes one static binary ({@link #TINI}, {@link #PROBE}) available in {@code container} at its
     * path: the {@code pid1-init} init container (first, once per pod) copies it into the
     * {@code pid1-bin} emptyDir, and the container mounts that one file read-only (a {@code subPath}
     * mount), so it never sees the copier or a binary it does not use.
     */
    void mountBinary(ContainerDraft container, String path) {
        String file = path.substring(MOUNT_PATH.length() + 1);
        ArrayNode initContainers = Json.arrayAt(spec, "initContainers");
        if (initContainer == null) {
            initContainer = earlierCopier(initContainers).orElseGet(() -> {
                ObjectNode init = InitContainer.node(settings.initImage(), spec.path("securityContext"));
                initContainers.insert(0, init);
                return init;
            });
        }
        if (copied.add(file)) {
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
        mounts.addObject()
                .put("name", VOLUME)
                .put("mountPath", path)
                .put("subPath", file)
                .put("readOnly", true);
    }

    /**
     * The {@code pid1-init} an earlier admission of this pod added (a reinvocation after another
     * webhook added a container): it is extended to copy what the new container runs too. An author's
     * own {@code pid1-init} never gets here ({@link #binariesTaken}).
     */
    private Optional<ObjectNode> earlierCopier(ArrayNode initContainers) {
        for (JsonNode init : initContainers) {
            if (INIT_CONTAINER.equals(init.path("name").asText(null)) && init instanceof ObjectNode node) {
                Json.strings(node.get("command")).flatMap(InitContainer::copied).ifPresent(copied::addAll);
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }
}
