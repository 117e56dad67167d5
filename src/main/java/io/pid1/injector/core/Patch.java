package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * RFC 6902 operations from the pod as received to the fixed pod, in one linear pass. Objects are
 * compared key by key; lists of objects element by element, with elements added at the front or
 * the end said as {@code add}s; any other changed list ({@code command}, {@code args}) is replaced
 * whole, so each operation reads as one change a fix made.
 */
final class Patch {

    private Patch() {
    }

    static ArrayNode diff(JsonNode from, JsonNode to) {
        ArrayNode ops = Json.NODES.arrayNode();
        diff("", from, to, ops);
        return ops;
    }

    private static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
        if (from.equals(to)) {
            return;
        }
        if (from instanceof ObjectNode a && to instanceof ObjectNode b) {
            objects(path, a, b, ops);
        } else if (from instanceof ArrayNode a && to instanceof ArrayNode b && allObjects(a) && allObjects(b)) {
            arrays(path, a, b, ops);
        } else {
            ops.addObject().put("op", "replace").put("path", path).set("value", to);
        }
    }

    private static void objects(String path, ObjectNode from, ObjectNode to, ArrayNode ops) {
        for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!to.has(name)) {
                ops.addObject().put("op", "remove").put("path", path + "/" + escape(name));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String child = path + "/" + escape(field.getKey());
            JsonNode before = from.get(field.getKey());
            if (before == null) {
                ops.addObject().put("op", "add").put("path", child).set("value", field.getValue());
            } else {
                diff(child, before, field.getValue(), ops);
            }
        }
    }

    private static void arrays(String path, ArrayNode from, ArrayNode to, ArrayNode ops) {
        int added = to.size() - from.size();
        if (added == 0) {
            for (int i = 0; i < from.size(); i++) {
                diff(path + "/" + i, from.get(i), to.get(i), ops);
            }
        } else if (added > 0 && slice(to, 0, from.size()).equals(from)) {
            for (int i = from.size(); i < to.size(); i++) {
                ops.addObject().put("op", "add").put("path", path + "/" + i).set("value", to.get(i));
            }
        } else if (added > 0 && slice(to, added, to.size()).equals(from)) {
            for (int i = 0; i < added; i++) {
                ops.addObject().put("op", "add").put("path", path + "/" + i).set("value", to.get(i));
            }
        } else {
            ops.addObject().put("op", "replace").put("path", path).set("value", to);
        }
    }

    private static ArrayNode slice(ArrayNode array, int from, int to) {
        ArrayNode slice = Json.NODES.arrayNode(to - from);
        for (int i = from; i < to; i++) {
            slice.add(array.get(i));
        }
        return slice;
    }

    private static boolean allObjects(ArrayNode array) {
        for (JsonNode item : array) {
            if (!item.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** JSON Pointer escaping (RFC 6901): {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
