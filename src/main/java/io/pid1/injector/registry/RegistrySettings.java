package io.pid1.injector.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How images are looked up in their registries (SPEC's {@code PID1_REGISTRY_*} variables).
 *
 * @param lookup              read ENTRYPOINT/CMD from the registry at all
 * @param timeout             deadline of one admission's lookups
 * @param authFile            a Docker {@code config.json} with credentials
 * @param insecureHosts       {@code host:port} reached over plain HTTP
 * @param defaultArchitecture platform architecture when the pod does not pin one
 * @param allowedRegistries   registries ({@code host} or {@code host:port}) images may come from; empty: any
 * @param internalAllowed     {@code host} or {@code host:port} that may be loopback, link-local or metadata
 *                            addresses ({@link EgressPolicy})
 */
public record RegistrySettings(
        boolean lookup,
        Duration timeout,
        Optional<Path> authFile,
        Set<String> insecureHosts,
        String defaultArchitecture,
        Set<String> allowedRegistries,
        Set<String> internalAllowed) {

    /** Property read by {@link #from}: lookup on or off. */
    public static final String LOOKUP = "pid1.registry.lookup";
    /** Property read by {@link #from}: the deadline in milliseconds. */
    public static final String TIMEOUT_MS = "pid1.registry.timeout-ms";
    /** Property read by {@link #from}: path of a Docker {@code config.json}. */
    public static final String AUTH_FILE = "pid1.registry.auth-file";
    /** Property read by {@link #from}: comma list of plain-HTTP {@code host:port}. */
    public static final String INSECURE = "pid1.registry.insecure";
    /** Property read by {@link #from}: the default architecture. */
    public static final String DEFAULT_ARCH = "pid1.registry.default-arch";
    /** Property read by {@link #from}: comma list of the registries images may come from. */
    public static final String ALLOW = "pid1.registry.allow";
    /** Property read by {@link #from}: comma list of hosts that may be internal addresses. */
    public static final String ALLOW_INTERNAL = "pid1.registry.allow-internal";

    private static final Map<String, String> VARIABLES = Map.of(
            LOOKUP, "PID1_REGISTRY_LOOKUP",
            TIMEOUT_MS, "PID1_REGISTRY_TIMEOUT_MS",
            AUTH_FILE, "PID1_REGISTRY_AUTH_FILE",
            INSECURE, "PID1_REGISTRY_INSECURE",
            DEFAULT_ARCH, "PID1_REGISTRY_DEFAULT_ARCH",
            ALLOW, "PID1_REGISTRY_ALLOW",
            ALLOW_INTERNAL, "PID1_REGISTRY_ALLOW_INTERNAL");

    public RegistrySettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("registry timeout must be positive, got " + timeout.toMillis() + " ms");
        }
        insecureHosts = Set.copyOf(insecureHosts);
        allowedRegistries = Set.copyOf(allowedRegistries);
        internalAllowed = Set.copyOf(internalAllowed);
    }

    /**
     * SPEC's defaults: lookup on, 1500 ms, no credentials, TLS everywhere, {@code amd64}, any registry, no internal
     * address.
     */
    public static RegistrySettings defaults() {
        return new RegistrySettings(true, Duration.ofMillis(1500), Optional.empty(), Set.of(), "amd64", Set.of(),
                Set.of());
    }

    /** The same settings with another deadline. */
    public RegistrySettings withTimeout(Duration value) {
        return new RegistrySettings(lookup, value, authFile, insecureHosts, defaultArchitecture, allowedRegistries,
                internalAllowed);
    }

    /** The same settings reaching these {@code host:port} over plain HTTP. */
    public RegistrySettings withInsecureHosts(Set<String> hosts) {
        return new RegistrySettings(lookup, timeout, authFile, hosts, defaultArchitecture, allowedRegistries,
                internalAllowed);
    }

    /** The same settings with credentials from this Docker {@code config.json}. */
    public RegistrySettings withAuthFile(Path file) {
        return new RegistrySettings(lookup, timeout, Optional.of(file), insecureHosts, defaultArchitecture,
                allowedRegistries, internalAllowed);
    }

    /** The same settings looking images up only in these registries. */
    public RegistrySettings withAllowedRegistries(Set<String> registries) {
        return new RegistrySettings(lookup, timeout, authFile, insecureHosts, defaultArchitecture, registries,
                internalAllowed);
    }

    /** The same settings letting these hosts be loopback, link-local or metadata addresses. */
    public RegistrySettings withInternalAllowed(Set<String> hosts) {
        return new RegistrySettings(lookup, timeout, authFile, insecureHosts, defaultArchitecture, allowedRegistries,
                hosts);
    }

    /**
     * Whether images may be looked up in this registry ({@code host:port} as in {@link ImageReference#registry()}):
     * no allow-list, or it names the registry, or its host for any port ({@code docker.io} names Docker Hub).
     */
    public boolean allowsRegistry(String registry) {
        if (allowedRegistries.isEmpty()) {
            return true;
        }
        String name = registry.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        String host = colon > name.lastIndexOf(']') ? name.substring(0, colon) : name;
        return allowedRegistries.stream().map(ImageReference::hubAlias)
                .anyMatch(entry -> entry.equals(name) || entry.equals(host));
    }

    /**
     * Reads the settings through a property lookup; absent or blank properties keep their default.
     *
     * @param property gives the value of a property named {@link #LOOKUP}, {@link #TIMEOUT_MS}, … (for a lookup
     *                 by environment variable, {@link #variable} names the variable of each property)
     * @throws IllegalArgumentException naming the property whose value is invalid
     */
    public static RegistrySettings from(Function<String, Optional<String>> property) {
        RegistrySettings defaults = defaults();
        Function<String, Optional<String>> read = name -> property.apply(name).map(String::strip)
                .filter(v -> !v.isEmpty());
        boolean lookup = read.apply(LOOKUP).map(v -> bool(LOOKUP, v)).orElse(defaults.lookup());
        Duration timeout = read.apply(TIMEOUT_MS).map(RegistrySettings::millis).orElse(defaults.timeout());
        Optional<Path> authFile = read.apply(AUTH_FILE).map(Path::of);
        Set<String> insecure = read.apply(INSECURE).map(RegistrySettings::hosts).orElse(Set.of());
        String arch = read.apply(DEFAULT_ARCH).map(v -> v.toLowerCase(Locale.ROOT))
                .orElse(defaults.defaultArchitecture());
        Set<String> allow = read.apply(ALLOW).map(RegistrySettings::hosts).orElse(Set.of());
        Set<String> internal = read.apply(ALLOW_INTERNAL).map(RegistrySettings::hosts).orElse(Set.of());
        return new RegistrySettings(lookup, timeout, authFile, insecure, arch, allow, internal);
    }

    /** The environment variable of a property read by {@link #from} ({@code PID1_REGISTRY_…}). */
    public static String variable(String property) {
        String variable = VARIABLES.get(property);
        if (variable == null) {
            throw new IllegalArgumentException("not a registry property: " + property);
        }
        return variable;
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got \"" + value + "\"");
        };
    }

    private static Duration millis(String value) {
        long ms;
        try {
            ms = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TIMEOUT_MS + " must be a number of milliseconds, got \"" + value + "\"");
        }
        if (ms <= 0) {
            throw new IllegalArgumentException(TIMEOUT_MS + " must be positive, got " + ms);
        }
        return Duration.ofMillis(ms);
    }

    private static Set<String> hosts(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
