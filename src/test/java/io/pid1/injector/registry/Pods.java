package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Pods for the resolver's tests. */
final class Pods {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Pods() {}

    /** A pod whose containers run these images, none setting {@code command}. */
    static ObjectNode of(String... images) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ArrayNode containers = pod.putObject("spec").putArray("containers");
        for (int i = 0; i < images.length; i++) {
            containers.addObject().put("name", "c" + i).put("image", images[i]);
        }
        return pod;
    }

    /** The same pod pinned by {@code nodeSelector} to an architecture. */
    static ObjectNode onArch(String architecture, String... images) {
        ObjectNode pod = of(images);
        ((ObjectNode) pod.get("spec")).putObject("nodeSelector").put("kubernetes.io/arch", architecture);
        return pod;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
