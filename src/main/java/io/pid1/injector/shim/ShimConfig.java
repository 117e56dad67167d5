package io.pid1.injector.shim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The shim's configuration, as the webhook writes it into {@code PID1_SHIM_CONFIG}:
 * <pre>{@code {"port": 9091, "containers": [{"name": "web", "argv": ["gunicorn", "app:app", "-w", "4"],
 *   "server": "gunicorn", "workers": 4, "httpPort": 8000, "gracefulSignal": "SIGTERM",
 *   "gracefulSeconds": 30, "drainSeconds": 5}]}}</pre>
 * Optional: {@code host} (default {@code 0.0.0.0}), {@code port} (9091; 0 for any free port), and per container {@code server}, {@code workers},
 * {@code httpPort}, {@code httpPath} (default {@code /}), {@code gracefulSignal} (SIGTERM),
 * {@code gracefulSeconds} (30) and {@code drainSeconds} (5). Unknown fields are errors: the webhook
 * and the shim ship in the same image.
 */
public record ShimConfig(String host, int port, List<ContainerSpec> containers) {

    private static final Set<String> TOP_FIELDS = Set.of("host", "port", "containers");
    private static final Set<String> CONTAINER_FIELDS = Set.of("name", "argv", "server", "workers", "httpPort",
            "httpPath", "gracefulSignal", "gracefulSeconds", "drainSeconds");

    public ShimConfig {
        containers = List.copyOf(containers);
    }

    /** Parses the JSON form; any mistake is an {@link IllegalArgumentException} with a one-line reason. */
    public static ShimConfig parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("shim config is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("shim config must be a JSON object");
        }
        onlyKnown(root, TOP_FIELDS, "shim config");
        JsonNode list = root.path("containers");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("shim config needs a non-empty \"containers\" array");
        }
        List<ContainerSpec> containers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : list) {
            ContainerSpec spec = container(node);
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("container \"" + spec.name() + "\" is listed twice");
            }
            containers.add(spec);
        }
        return new ShimConfig(text(root, "host", "0.0.0.0"), number(root, "port", 0, 65535, "shim config").orElse(9091),
                containers);
    }

    /** The container with this name, or null. */
    public ContainerSpec container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** The longest a drain can take: its wait plus the graceful timeout, over all containers. */
    public Duration longestDrain() {
        return containers.stream().map(c -> c.drainTime().plus(c.gracefulTimeout()))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private static ContainerSpec container(JsonNode node) {
        if (!node.isObject() || !node.path("name").isTextual() || node.path("name").asText().isBlank()) {
            throw new IllegalArgumentException("each container needs a \"name\"");
        }
        String name = node.get("name").asText();
        String where = "container \"" + name + "\"";
        onlyKnown(node, CONTAINER_FIELDS, where);
        List<String> argv = new ArrayList<>();
        for (JsonNode arg : node.path("argv")) {
            if (!arg.isTextual()) {
                throw new IllegalArgumentException(where + ": \"argv\" must hold strings");
            }
            argv.add(arg.asText());
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException(where + " needs a non-empty \"argv\"");
        }
        OptionalInt workers = number(node, "workers", 1, Integer.MAX_VALUE, where);
        Signal signal;
        try {
            signal = Signal.parse(text(node, "gracefulSignal", "SIGTERM"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        String path = text(node, "httpPath", "/");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(where + ": \"httpPath\" must start with /");
        }
        return new ContainerSpec(name, argv, text(node, "server", ArgvMatcher.baseName(argv.get(0))), workers,
                number(node, "httpPort", 1, 65535, where), path, signal, seconds(node, "gracefulSeconds", 30, where),
                seconds(node, "drainSeconds", 5, where));
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + field + "\"");
            }
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    private static OptionalInt number(JsonNode node, String field, int min, int max, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return OptionalInt.empty();
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a whole number from " + min
                    + " to " + max);
        }
        return OptionalInt.of(value.asInt());
    }

    private static Duration seconds(JsonNode node, String field, double fallback, String where) {
        JsonNode value = node.get(field);
        double seconds = value == null || value.isNull() ? fallback : value.asDouble(-1);
        if (value != null && !value.isNull() && !value.isNumber() || seconds < 0 || seconds > 86_400) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a number of seconds (0 to 86400)");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
