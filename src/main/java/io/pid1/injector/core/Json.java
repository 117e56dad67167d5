package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers over Jackson trees: the engine edits the pod as received, never a model of it. */
final class Json {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** The strings of an array node; empty when absent; {@code null} entries become "". */
    static Optional<List<String>> strings(JsonNode array) {
        if (array == null || !array.isArray()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.isNull() ? "" : n.toString()));
        return Optional.of(out);
    }

    static ArrayNode array(List<String> values) {
        ArrayNode array = NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    /** The object at {@code field} of {@code parent}, created when absent. */
    static ObjectNode object(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(field);
    }

    /** The array at {@code field} of {@code parent}, created when absent. */
    static ArrayNode arrayAt(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ArrayNode array) {
            return array;
        }
        return parent.putArray(field);
    }

    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** Whether {@code array} holds an object whose {@code name} is {@code name}. */
    static boolean hasNamed(JsonNode array, String name) {
        if (array == null || !array.isArray()) {
            return false;
        }
        for (JsonNode item : array) {
            if (name.equals(item.path("name").asText(null))) {
                return true;
            }
        }
        return false;
    }
}
