package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.core.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code config} object of an image's config blob (OCI and Docker share it). */
final class ImageConfigs {

    private ImageConfigs() {}

    static ImageConfig read(byte[] blob) {
        JsonNode config = Manifests.parse(blob, "image config").path("config");
        return new ImageConfig(
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")),
                text(config.path("WorkingDir")),
                env(config.path("Env")),
                text(config.path("User")),
                text(config.path("StopSignal")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode item : array) {
                if (!item.isTextual()) {
                    throw LookupFailure.image("unreadable image config");
                }
                out.add(item.asText());
            }
        } else if (!array.isMissingNode() && !array.isNull()) {
            throw LookupFailure.image("unreadable image config");
        }
        return out;
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    /** {@code K=V} entries; a later definition of a name wins, as in the runtime. */
    private static Map<String, String> env(JsonNode array) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : strings(array)) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            } else if (eq < 0 && !entry.isEmpty()) {
                env.put(entry, "");
            }
        }
        return env;
    }
}
