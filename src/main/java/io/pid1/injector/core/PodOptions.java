package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A pod's {@code pid1.io/*} annotations, parsed and validated. A bad value is a finding and the
 * default, never a rejected pod.
 */
public final class PodOptions {

    public static final String PREFIX = "pid1.io/";
    public static final String INJECT = PREFIX + "inject";
    public static final String INIT = PREFIX + "init";
    public static final String FIXES = PREFIX + "fixes";
    public static final String HEALTH_PATH = PREFIX + "health-path";
    public static final String HEALTH_PORT = PREFIX + "health-port";
    public static final String DRAIN_SECONDS = PREFIX + "drain-seconds";
    public static final String GRACEFUL_SECONDS = PREFIX + "graceful-seconds";
    public static final String STATUS = PREFIX + "status";

    /** What a pod asks of the webhook as a whole. */
    public enum Inject {
        ENABLED,
        AUDIT,
        DISABLED
    }

    private static final int MAX_SECONDS = 3600;
    /** Longer paths are no health path anyone writes; the probe and the warnings stay small. */
    static final int MAX_PATH = 256;
    /** How much of a bad value a finding repeats. */
    private static final int MAX_SHOWN = 32;

    private static final Pattern HTTP_PATH = Pattern.compile("/[\\x21-\\x7E]{0," + (MAX_PATH - 1) + "}");

    private final JsonNode annotations;
    private final List<Finding> findings = new ArrayList<>();
    private final Inject inject;
    private final InitMode init;
    private final Set<FixKind> fixes;
    private final int drainSeconds;

    public PodOptions(JsonNode pod, EngineSettings settings) {
        this.annotations = pod.path("metadata").path("annotations");
        this.inject = parseInject();
        this.init = parse(INIT, settings.init(), v -> InitMode.byId(v), "is not one of tini, shim, none");
        this.fixes = parseFixes(settings.fixes());
        this.drainSeconds =
                seconds(DRAIN_SECONDS, String.valueOf(settings.drainSeconds())).orElse(settings.drainSeconds());
    }

    public Inject inject() {
        return inject;
    }

    public InitMode init() {
        return init;
    }

    /** Whether the pod gets {@code fix}: its switch is on ({@link FixKind#switchedBy()}), or it has none. */
    public boolean enabled(FixKind fix) {
        return fix.alwaysOn() || fixes.contains(fix.switchedBy());
    }

    public int drainSeconds() {
        return drainSeconds;
    }

    public Optional<String> healthPath(String container) {
        return perContainer(HEALTH_PATH, container).filter(p -> {
            if (HTTP_PATH.matcher(p).matches()) {
                return true;
            }
            findings.add(
                    Finding.pod("annotation " + HEALTH_PATH + "=" + shown(p) + " is not an HTTP path; no probe added"));
            return false;
        });
    }

    /** A port number or an IANA port name, as a probe's {@code port} takes it. */
    public Optional<String> healthPort(String container) {
        return perContainer(HEALTH_PORT, container).filter(p -> {
            if (p.matches("[0-9]{1,5}") && Integer.parseInt(p) > 0 && Integer.parseInt(p) < 65536
                    || p.matches("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?") && p.matches(".*[a-z].*")) {
                return true;
            }
            findings.add(
                    Finding.pod("annotation " + HEALTH_PORT + "=" + shown(p) + " is not a port; using the server's"));
            return false;
        });
    }

    public OptionalInt gracefulSeconds(String container) {
        String key = annotations.has(GRACEFUL_SECONDS + "." + container)
                ? GRACEFUL_SECONDS + "." + container
                : GRACEFUL_SECONDS;
        return seconds(key, "the server's timeout").map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** Findings about the annotations themselves, gathered while they were read. */
    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    private Optional<String> perContainer(String key, String container) {
        String specific = text(key + "." + container);
        return Optional.ofNullable(specific != null ? specific : text(key));
    }

    private Inject parseInject() {
        String value = text(INJECT);
        if (value == null) {
            return Inject.ENABLED;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "false", "disabled":
                return Inject.DISABLED;
            case "audit":
                return Inject.AUDIT;
            case "true", "enabled":
                return Inject.ENABLED;
            default:
                findings.add(Finding.pod("annotation " + INJECT + "=" + shown(value)
                        + " is not one of enabled, audit, false; using enabled"));
                return Inject.ENABLED;
        }
    }

    private Set<FixKind> parseFixes(Set<FixKind> defaults) {
        String value = text(FIXES);
        if (value == null) {
            return defaults;
        }
        Set<FixKind> chosen = EnumSet.noneOf(FixKind.class);
        for (String id : value.split(",")) {
            if (id.isBlank()) {
                continue;
            }
            Optional<FixKind> fix = FixKind.byId(id);
            if (fix.isPresent()) {
                chosen.add(fix.get());
            } else {
                findings.add(
                        Finding.pod("annotation " + FIXES + " names unknown fix " + shown(id.trim()) + "; ignored"));
            }
        }
        return chosen;
    }

    private <T> T parse(String key, T fallback, Function<String, Optional<T>> parser, String problem) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        Optional<T> parsed = parser.apply(value);
        if (parsed.isEmpty()) {
            findings.add(Finding.pod("annotation " + key + "=" + shown(value) + " " + problem + "; using default"));
        }
        return parsed.orElse(fallback);
    }

    private Optional<Integer> seconds(String key, String fallback) {
        String value = text(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value.trim().matches("[0-9]{1,4}") && Integer.parseInt(value.trim()) <= MAX_SECONDS) {
            return Optional.of(Integer.parseInt(value.trim()));
        }
        findings.add(Finding.pod("annotation " + key + "=" + shown(value) + " is not a number; using " + fallback));
        return Optional.empty();
    }

    /**
     * A value as a finding may repeat it: quoted, cut to {@value #MAX_SHOWN} characters, and with
     * every character outside printable ASCII as {@code \\uXXXX}, so an annotation can neither forge a
     * line nor send terminal escapes into warnings, logs and the CLI's table. Jackson's
     * {@code JsonStringEncoder} was considered: it leaves DEL, C1 controls and bidi overrides as they are.
     */
    static String shown(String value) {
        StringBuilder out = new StringBuilder(MAX_SHOWN + 8).append('"');
        for (int i = 0; i < value.length() && out.length() <= MAX_SHOWN; i++) {
            char ch = value.charAt(i);
            if (ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\') {
                out.append(ch);
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            }
        }
        return out.length() > MAX_SHOWN
                ? out.append("…\"").toString()
                : out.append('"').toString();
    }

    private String text(String key) {
        JsonNode value = annotations.get(key);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
