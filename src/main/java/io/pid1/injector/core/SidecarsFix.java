package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.catalog.Sidecar;
import io.pid1.injector.catalog.SidecarRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sidecars}: regular containers start together and get SIGTERM together, so a database proxy
 * dies during the server's drain and a Job whose sidecar runs forever never completes. A known
 * sidecar (the catalog's) becomes a native sidecar, an init container with {@code restartPolicy: Always}
 * that the kubelet starts before the app containers and stops after them. Only in a pod whose
 * server the catalog knows, or a Job's pod; never for a container the catalog does not know, nor a
 * mesh's proxy (its mesh runs it), nor the last regular container. The container moves whole.
 */
final class SidecarsFix implements Fix {

    private static final String RESTART_POLICY = "restartPolicy";

    private final Catalog catalog;

    SidecarsFix(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public FixKind kind() {
        return FixKind.SIDECARS;
    }

    @Override
    public void applyToPod(PodDraft pod) {
        if (!(pod.spec.get("containers") instanceof ArrayNode containers)
                || pod.longRunning() && !pod.hasKnownServer()) {
            return;
        }
        List<Map.Entry<ObjectNode, Sidecar>> known = known(pod, containers);
        if (known.size() == containers.size()) {
            return;
        }
        for (Map.Entry<ObjectNode, Sidecar> entry : known) {
            ObjectNode container = entry.getKey();
            Sidecar sidecar = entry.getValue();
            String name = container.path("name").asText();
            pod.knownSidecar(name, sidecar.name());
            if (sidecar.role() == SidecarRole.MESH) {
                pod.reportContainer(name, kind(), "left to " + sidecar.mesh() + ": set " + sidecar.nativeSwitch());
            } else if (!pod.settings.nativeSidecars()) {
                pod.reportContainer(
                        name,
                        kind(),
                        sidecar.name() + " stays a container: PID1_NATIVE_SIDECARS=false" + " (a cluster before 1.29)");
            } else if (container.has(RESTART_POLICY)) {
                pod.reportContainer(name, kind(), sidecar.name() + " has a restartPolicy of its own; left as is");
            } else {
                move(pod, containers, container, sidecar);
            }
        }
    }

    /** The regular containers the catalog knows as sidecars, in order; those an earlier admission fixed are left. */
    private List<Map.Entry<ObjectNode, Sidecar>> known(PodDraft pod, ArrayNode containers) {
        List<Map.Entry<ObjectNode, Sidecar>> known = new ArrayList<>();
        for (JsonNode node : containers) {
            if (node instanceof ObjectNode container
                    && !pod.status.covers(container.path("name").asText())) {
                List<String> command = Json.strings(container.get("command")).orElse(List.of());
                catalog.sidecar(container.path("image").asText(""), command)
                        .ifPresent(sidecar -> known.add(Map.entry(container, sidecar)));
            }
        }
        return known;
    }

    /**
     * Moves {@code container} to the init containers: before the first of the pod's own init containers
     * that needs it (a migration needs its database proxy), else after all of them, with the other
     * sidecars, and after the {@code pid1-init} and {@code pid1-shim} this webhook put first.
     */
    private void move(PodDraft pod, ArrayNode containers, ObjectNode container, Sidecar sidecar) {
        String name = container.path("name").asText();
        ArrayNode inits = Json.arrayAt(pod.spec, "initContainers");
        Optional<Integer> needing = Optional.empty();
        int ownRunToCompletion = 0;
        for (int i = 0; i < inits.size(); i++) {
            JsonNode init = inits.get(i);
            if (PodDraft.INIT_CONTAINER.equals(init.path("name").asText()) || init.has(RESTART_POLICY)) {
                continue;
            }
            ownRunToCompletion++;
            List<String> argv =
                    new ArrayList<>(Json.strings(init.get("command")).orElse(List.of()));
            argv.addAll(Json.strings(init.get("args")).orElse(List.of()));
            if (needing.isEmpty() && sidecar.neededBy(argv)) {
                needing = Optional.of(i);
            }
        }
        for (int i = 0; i < containers.size(); i++) {
            if (containers.get(i) == container) {
                containers.remove(i);
                break;
            }
        }
        container.put(RESTART_POLICY, "Always");
        String said = sidecar.name() + " is now a native sidecar";
        if (needing.isPresent()) {
            String before = inits.get(needing.get()).path("name").asText();
            inits.insert(needing.get(), container);
            pod.appliedTo(name, kind(), said + ", started before init container \"" + before + "\", which needs it");
        } else {
            inits.add(container);
            pod.appliedTo(
                    name,
                    kind(),
                    said
                            + (ownRunToCompletion == 0
                                    ? ": it starts before the app and stops after it"
                                    : ", after the init containers"
                                            + (sidecar.neededBy().isEmpty() ? "" : ": none needs it")));
        }
    }
}
