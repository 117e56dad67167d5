package io.pid1.injector.shim;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The shim's configuration, as the webhook writes it into {@code PID1_SHIM_CONFIG}:
 * <pre>{@code {"port": 9091, "drainToken": "<22 random characters>",
 *   "containers": [{"name": "web", "argv": ["gunicorn", "app:app", "-w", "4"],
 *   "server": "gunicorn", "workers": 4, "httpPort": 8000, "gracefulSignal": "SIGTERM",
 *   "gracefulSeconds": 30, "drainSeconds": 5}]}}</pre>
 * Optional: {@code host} (default {@code 0.0.0.0}), {@code port} (9091; 0 for any free port),
 * and per container {@code server}, {@code workers}, {@code httpPort}, {@code httpPath} (default
 * {@code /}), {@code gracefulSignal} (SIGTERM), {@code gracefulSeconds} (30) and
 * {@code drainSeconds} (5). Unknown fields are errors: the webhook and the shim ship in the same image.
 * {@code drainToken} is required: {@code /drain} answers only a request that presents it (see {@link ShimServer}).
 */
public record ShimConfig(String host, int port, String drainToken, List<ContainerSpec> containers) {

    private static final Set<String> TOP_FIELDS = Set.of("host", "port", "drainToken", "containers");
    /** 128 random bits in base64url are 22 characters; shorter is guessable, longer is not needed. */
    private static final int TOKEN_MIN = 22;

    private static final int TOKEN_MAX = 256;

    private static final Set<String> CONTAINER_FIELDS = Set.of(
            "name",
            "argv",
            "server",
            "workers",
            "httpPort",
            "httpPath",
            "gracefulSignal",
            "gracefulSeconds",
            "drainSeconds");

    public ShimConfig {
        containers = List.copyOf(containers);
    }

    /** Parses the JSON form; any mistake is an {@link IllegalArgumentException} with a one-line reason. */
    public static ShimConfig parse(String json) {
        Object root;
        try {
            root = JsonValues.read(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("shim config is not JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("shim config must be a JSON object");
        }
        onlyKnown(top, TOP_FIELDS, "shim config");
        if (!(top.get("containers") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("shim config needs a non-empty \"containers\" array");
        }
        List<ContainerSpec> containers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Object node : list) {
            ContainerSpec spec = container(node);
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("container \"" + spec.name() + "\" is listed twice");
            }
            containers.add(spec);
        }
        String host = text(top, "host", "0.0.0.0", "shim config");
        int port = number(top, "port", 0, 65535, "shim config").orElse(9091);
        if (!(top.get("drainToken") instanceof String token) || !isToken(token)) {
            throw new IllegalArgumentException("shim config needs a \"drainToken\" of " + TOKEN_MIN + " to " + TOKEN_MAX
                    + " letters, digits, - or _");
        }
        return new ShimConfig(host, port, token, containers);
    }

    /** Without the token, which must not reach a log. */
    @Override
    public String toString() {
        return "ShimConfig[host=" + host + ", port=" + port + ", containers=" + containers + "]";
    }

    /** The container with this name, or null. */
    public ContainerSpec container(String name) {
        for (ContainerSpec container : containers) {
            if (container.name().equals(name)) {
                return container;
            }
        }
        return null;
    }

    /** The longest a drain can take: its wait plus the graceful timeout, over all containers. */
    public Duration longestDrain() {
        Duration longest = Duration.ZERO;
        for (ContainerSpec c : containers) {
            Duration drain = c.drainTime().plus(c.gracefulTimeout()).plus(Drainer.EXIT_MARGIN);
            longest = drain.compareTo(longest) > 0 ? drain : longest;
        }
        return longest;
    }

    /** {@code [A-Za-z0-9_-]{22,256}}: base64url. */
    private static boolean isToken(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (!letter && (c < '0' || c > '9') && c != '_' && c != '-') {
                return false;
            }
        }
        return token.length() >= TOKEN_MIN && token.length() <= TOKEN_MAX;
    }

    private static ContainerSpec container(Object node) {
        if (!(node instanceof Map<?, ?> fields) || !(fields.get("name") instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException("each container needs a \"name\"");
        }
        String where = "container \"" + name + "\"";
        onlyKnown(fields, CONTAINER_FIELDS, where);
        List<String> argv = new ArrayList<>();
        if (fields.get("argv") instanceof List<?> args) {
            for (Object arg : args) {
                if (!(arg instanceof String text)) {
                    throw new IllegalArgumentException(where + ": \"argv\" must hold strings");
                }
                argv.add(text);
            }
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException(where + " needs a non-empty \"argv\"");
        }
        Signal signal;
        try {
            signal = Signal.parse(text(fields, "gracefulSignal", "SIGTERM", where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        String path = text(fields, "httpPath", "/", where);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(where + ": \"httpPath\" must start with /");
        }
        return new ContainerSpec(
                name,
                argv,
                text(fields, "server", ArgvMatcher.baseName(argv.get(0)), where),
                number(fields, "workers", 1, Integer.MAX_VALUE, where),
                number(fields, "httpPort", 1, 65535, where),
                path,
                signal,
                seconds(fields, "gracefulSeconds", 30, where),
                seconds(fields, "drainSeconds", 5, where));
    }

    private static void onlyKnown(Map<?, ?> fields, Set<String> known, String where) {
        for (Object field : fields.keySet()) {
            if (!known.contains(field)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + field + "\"");
            }
        }
    }

    private static String text(Map<?, ?> fields, String field, String fallback, String where) {
        Object value = fields.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a string");
        }
        return text;
    }

    private static OptionalInt number(Map<?, ?> fields, String field, int min, int max, String where) {
        Object value = fields.get(field);
        if (value == null) {
            return OptionalInt.empty();
        }
        boolean whole = value instanceof Integer || value instanceof Long || value instanceof BigInteger;
        if (!whole || ((Number) value).doubleValue() < min || ((Number) value).doubleValue() > max) {
            throw new IllegalArgumentException(
                    where + ": \"" + field + "\" must be a whole number from " + min + " to " + max);
        }
        return OptionalInt.of(((Number) value).intValue());
    }

    private static Duration seconds(Map<?, ?> fields, String field, double fallback, String where) {
        Object value = fields.get(field);
        double seconds = value == null ? fallback : value instanceof Number n ? n.doubleValue() : -1;
        if (seconds < 0 || seconds > 86_400) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a number of seconds (0 to 86400)");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
