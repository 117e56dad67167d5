package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An object with a pod template in a document.
 *
 * @param document where it is
 * @param object   the pointer to the object itself ({@code ""}, or {@code /items/3} in a List)
 * @param template the pointer to its pod template (the object itself for a Pod)
 * @param kind     its kind
 * @param name     its name ({@code metadata.name}, else {@code generateName}, else {@code -})
 */
public record Workload(Document document, JsonPointer object, JsonPointer template, String kind, String name) {

    /** {@code kind/name}, as people write it for kubectl. */
    public String id() {
        return kind + "/" + name;
    }

    /** The object's namespace, if it names one. */
    public String namespace() {
        JsonNode namespace = document.tree().at(object).path("metadata").path("namespace");
        return namespace.isTextual() ? namespace.asText() : null;
    }

    /** The line where the object starts. */
    public int line() {
        return document.lines().of(object);
    }

    /** The line of the {@code name} of the container named {@code container}, else of the pod template. */
    public int lineOf(String container) {
        JsonNode containers = document.tree().at(template).path("spec").path("containers");
        for (int i = 0; i < containers.size(); i++) {
            if (container.equals(containers.path(i).path("name").asText(null))) {
                return document.lines().of(template.append(JsonPointer.compile("/spec/containers/" + i + "/name")));
            }
        }
        return document.lines().of(template);
    }
}
