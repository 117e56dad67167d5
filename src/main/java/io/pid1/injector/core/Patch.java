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
        diff(new StringBuilder(), from, to, ops);
        return ops;
    }

    /**
     * {@code path} is the JSON Pointer of {@code from} and {@code to}, grown and cut back as the walk goes down
     * and up, so that a pointer string is made only for an operation. Objects are walked key by key without
     * comparing them whole first: an unchanged subtree is then read once, not once per level above it.
     */
    private static void diff(StringBuilder path, JsonNode from, JsonNode to, ArrayNode ops) {
        if (from instanceof ObjectNode a && to instanceof ObjectNode b) {
            objects(path, a, b, ops);
        } else if (from.equals(to)) {
            return;
        } else if (from instanceof ArrayNode a && to instanceof ArrayNode b && allObjects(a) && allObjects(b)) {
            arrays(path, a, b, ops);
        } else {
            ops.addObject().put("op", "replace").put("path", path.toString()).set("value", to);
        }
    }

    private static void objects(StringBuilder path, ObjectNode from, ObjectNode to, ArrayNode ops) {
        int parent = path.length();
        for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!to.has(name)) {
                ops.addObject().put("op", "remove").put("path", child(path, name).toString());
                path.setLength(parent);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = from.get(field.getKey());
            child(path, field.getKey());
            if (before == null) {
                ops.addObject().put("op", "add").put("path", path.toString()).set("value", field.getValue());
            } else {
                diff(path, before, field.getValue(), ops);
            }
            path.setLength(parent);
        }
    }

    private static void arrays(StringBuilder path, ArrayNode from, ArrayNode to, ArrayNode ops) {
        int parent = path.length();
        int added = to.size() - from.size();
        if (added == 0) {
            for (int i = 0; i < from.size(); i++) {
                diff(index(path, i), from.get(i), to.get(i), ops);
                path.setLength(parent);
            }
        } else if (added > 0 && startsWith(to, 0, from)) {
            for (int i = from.size(); i < to.size(); i++) {
                ops.addObject().put("op", "add").put("path", index(path, i).toString()).set("value", to.get(i));
                path.setLength(parent);
            }
        } else if (added > 0 && startsWith(to, added, from)) {
            for (int i = 0; i < added; i++) {
                ops.addObject().put("op", "add").put("path", index(path, i).toString()).set("value", to.get(i));
                path.setLength(parent);
            }
        } else {
            ops.addObject().put("op", "replace").put("path", path.toString()).set("value", to);
        }
    }

    /** Whether {@code array} holds the items of {@code run}, in order, from {@code offset} on. */
    private static boolean startsWith(ArrayNode array, int offset, ArrayNode run) {
        for (int i = 0; i < run.size(); i++) {
            if (!array.get(offset + i).equals(run.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allObjects(ArrayNode array) {
        for (JsonNode item : array) {
            if (!item.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** {@code path} followed by the array index {@code i}. */
    private static StringBuilder index(StringBuilder path, int i) {
        return path.append('/').append(i);
    }

    /** {@code path} followed by the reference token {@code name}, escaped per RFC 6901 ({@code ~0}, {@code ~1}). */
    private static StringBuilder child(StringBuilder path, String name) {
        path.append('/');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '~') {
                path.append("~0");
            } else if (c == '/') {
                path.append("~1");
            } else {
                path.append(c);
            }
        }
        return path;
    }
}
