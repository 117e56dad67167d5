package io.pid1.injector.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How images are looked up in their registries ({@code PID1_REGISTRY_*} in docs/reference.md).
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

    /** The deadline when none is configured. */
    public static final int DEFAULT_TIMEOUT_MS = 1500;
    /** The architecture looked up when the pod does not pin one and none is configured. */
    public static final String DEFAULT_ARCHITECTURE = "amd64";

    public RegistrySettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "pid1.registry.timeout-ms must be positive, got " + timeout.toMillis() + " ms");
        }
        insecureHosts = Set.copyOf(insecureHosts);
        allowedRegistries = Set.copyOf(allowedRegistries);
        internalAllowed = Set.copyOf(internalAllowed);
    }

    /** The defaults: lookup on, no credentials, TLS everywhere, any registry, no internal address. */
    public static RegistrySettings defaults() {
        return new RegistrySettings(
                true,
                Duration.ofMillis(DEFAULT_TIMEOUT_MS),
                Optional.empty(),
                Set.of(),
                DEFAULT_ARCHITECTURE,
                Set.of(),
                Set.of());
    }

    /** The same settings with another deadline. */
    public RegistrySettings withTimeout(Duration value) {
        return new RegistrySettings(
                lookup, value, authFile, insecureHosts, defaultArchitecture, allowedRegistries, internalAllowed);
    }

    /** The same settings reaching these {@code host:port} over plain HTTP. */
    public RegistrySettings withInsecureHosts(Set<String> hosts) {
        return new RegistrySettings(
                lookup, timeout, authFile, hosts, defaultArchitecture, allowedRegistries, internalAllowed);
    }

    /** The same settings with credentials from this Docker {@code config.json}. */
    public RegistrySettings withAuthFile(Path file) {
        return new RegistrySettings(
                lookup,
                timeout,
                Optional.of(file),
                insecureHosts,
                defaultArchitecture,
                allowedRegistries,
                internalAllowed);
    }

    /** The same settings looking images up only in these registries. */
    public RegistrySettings withAllowedRegistries(Set<String> registries) {
        return new RegistrySettings(
                lookup, timeout, authFile, insecureHosts, defaultArchitecture, registries, internalAllowed);
    }

    /** The same settings letting these hosts be loopback, link-local or metadata addresses. */
    public RegistrySettings withInternalAllowed(Set<String> hosts) {
        return new RegistrySettings(
                lookup, timeout, authFile, insecureHosts, defaultArchitecture, allowedRegistries, hosts);
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
        return allowedRegistries.stream()
                .map(ImageReference::hubAlias)
                .anyMatch(entry -> entry.equals(name) || entry.equals(host));
    }

    /** The hosts of a comma list, trimmed and lower-cased; empty items are skipped. */
    public static Set<String> hosts(String value) {
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
