package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The names the webhook gives what it adds ({@code pid1-init}, {@code pid1-bin}, {@code pid1-shim})
 * when the pod already uses one for its own container or volume. Adding ours would make a pod the
 * API server rejects (container names are unique across the pod), and reusing the author's would
 * run their container as our copier or mount their volume at {@code /.pid1}: what needs it is skipped.
 * What an earlier admission added is recognised by its shape, so a reinvoked review still reuses it.
 */
final class InjectedNames {

    private static final List<String> APP_LISTS = List.of("containers", "ephemeralContainers");

    private InjectedNames() {}

    /** Why {@code pid1-init} and {@code pid1-bin} (tini, busybox) cannot be added; empty when they can. */
    static Optional<String> binaries(JsonNode spec) {
        return takenInApp(spec, PodDraft.INIT_CONTAINER)
                .or(() -> takenInit(spec, PodDraft.INIT_CONTAINER, InjectedNames::isCopier))
                .or(() -> takenVolume(spec))
                .map(taken -> taken + "; no tini or pid1-probe added");
    }

    /** Why the {@code pid1-shim} sidecar cannot be added; empty when it can. */
    static Optional<String> shim(JsonNode spec) {
        return takenInApp(spec, ShimFix.CONTAINER)
                .or(() -> takenInit(spec, ShimFix.CONTAINER, InjectedNames::isSidecar))
                .map(taken -> taken + "; no pid1-shim added");
    }

    private static Optional<String> takenInApp(JsonNode spec, String name) {
        for (String list : APP_LISTS) {
            if (Json.hasNamed(spec.get(list), name)) {
                return Optional.of(said("container", name));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> takenInit(JsonNode spec, String name, Predicate<JsonNode> ours) {
        for (JsonNode init : spec.path("initContainers")) {
            if (name.equals(init.path("name").asText(null)) && !ours.test(init)) {
                return Optional.of(said("init container", name));
            }
        }
        return Optional.empty();
    }

    /** The volume is ours only next to our copier, which fills it. */
    private static Optional<String> takenVolume(JsonNode spec) {
        boolean copier = false;
        for (JsonNode init : spec.path("initContainers")) {
            copier |= PodDraft.INIT_CONTAINER.equals(init.path("name").asText(null)) && isCopier(init);
        }
        for (JsonNode volume : spec.path("volumes")) {
            if (PodDraft.VOLUME.equals(volume.path("name").asText(null)) && !(copier && volume.has("emptyDir"))) {
                return Optional.of(said("volume", PodDraft.VOLUME));
            }
        }
        return Optional.empty();
    }

    private static boolean isCopier(JsonNode init) {
        return Json.strings(init.get("command")).flatMap(InitContainer::copied).isPresent();
    }

    /** Our sidecar carries its config first in its env, where {@link ShimFix#writeConfig} adds to it. */
    private static boolean isSidecar(JsonNode init) {
        JsonNode config = init.path("env").path(0);
        return ShimFix.CONFIG_ENV.equals(config.path("name").asText(null))
                && config.path("value").isTextual();
    }

    private static String said(String what, String name) {
        return "the pod's own " + what + " \"" + name + "\" has a name the webhook injects";
    }
}
