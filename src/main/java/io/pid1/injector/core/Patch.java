package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 6902 operations from the pod as received to the fixed pod, in one linear pass. Objects are
 * compared key by key; lists of objects element by element, with elements added at the front or
 * the end said as {@code add}s, and lists of uniquely named objects (containers) by name, so a
 * container moved to {@code initContainers} is one {@code remove} and one {@code add}; any other changed
 * list ({@code command}, {@code args}) is replaced whole, so each operation reads as one change a fix made.
 */
final class Patch {

    /** The operations' names, shared by every operation: a text node cannot change. */
    private static final TextNode ADD = Json.NODES.textNode("add");

    private static final TextNode REMOVE = Json.NODES.textNode("remove");
    private static final TextNode REPLACE = Json.NODES.textNode("replace");

    private Patch() {}

    /**
     * Appends the operation {@code name} at {@code path} to {@code ops}, sized for its three fields (an object
     * node's map holds sixteen by default).
     */
    private static ObjectNode op(ArrayNode ops, TextNode name, StringBuilder path) {
        ObjectNode op = new ObjectNode(Json.NODES, new LinkedHashMap<>(4));
        op.set("op", name);
        op.put("path", path.toString());
        ops.add(op);
        return op;
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
            op(ops, REPLACE, path).set("value", to);
        }
    }

    private static void objects(StringBuilder path, ObjectNode from, ObjectNode to, ArrayNode ops) {
        int parent = path.length();
        for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!to.has(name)) {
                op(ops, REMOVE, child(path, name));
                path.setLength(parent);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = from.get(field.getKey());
            child(path, field.getKey());
            if (before == null) {
                op(ops, ADD, path).set("value", field.getValue());
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
                op(ops, ADD, index(path, i)).set("value", to.get(i));
                path.setLength(parent);
            }
        } else if (added > 0 && startsWith(to, added, from)) {
            for (int i = 0; i < added; i++) {
                op(ops, ADD, index(path, i)).set("value", to.get(i));
                path.setLength(parent);
            }
        } else if (!byName(path, from, to, ops)) {
            op(ops, REPLACE, path).set("value", to);
        }
    }

    /**
     * Lists of uniquely named objects whose items present in both stay in the same order: removed ones
     * are said as {@code remove}s (last first), then each item of {@code to} as an {@code add} or compared
     * with its old self. Returns false, saying nothing, for any other pair of lists.
     */
    private static boolean byName(StringBuilder path, ArrayNode from, ArrayNode to, ArrayNode ops) {
        Map<String, Integer> before = names(from);
        Map<String, Integer> after = names(to);
        if (before == null || after == null) {
            return false;
        }
        int last = -1;
        for (Map.Entry<String, Integer> item : after.entrySet()) {
            Integer old = before.get(item.getKey());
            if (old != null) {
                if (old < last) {
                    return false;
                }
                last = old;
            }
        }
        int parent = path.length();
        for (int i = from.size() - 1; i >= 0; i--) {
            if (!after.containsKey(from.get(i).path("name").asText())) {
                op(ops, REMOVE, index(path, i));
                path.setLength(parent);
            }
        }
        for (int i = 0; i < to.size(); i++) {
            Integer old = before.get(to.get(i).path("name").asText());
            if (old == null) {
                op(ops, ADD, index(path, i)).set("value", to.get(i));
            } else {
                diff(index(path, i), from.get(old), to.get(i), ops);
            }
            path.setLength(parent);
        }
        return true;
    }

    /** Each item's {@code name} to its index, in order; null unless every item has a name of its own. */
    private static Map<String, Integer> names(ArrayNode array) {
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode name = array.get(i).get("name");
            if (name == null || !name.isTextual() || names.put(name.asText(), i) != null) {
                return null;
            }
        }
        return names;
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
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return path.append(name);
        }
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
