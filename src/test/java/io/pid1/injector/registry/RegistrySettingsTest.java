package io.pid1.injector.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistrySettingsTest {

    private static RegistrySettings from(Map<String, String> properties) {
        return RegistrySettings.from(name -> Optional.ofNullable(properties.get(name)));
    }

    @Test
    void absentOrBlankPropertiesKeepSpecDefaults() {
        RegistrySettings defaults = new RegistrySettings(true, Duration.ofMillis(1500), Optional.empty(), Set.of(),
                "amd64", Set.of(), Set.of());
        assertEquals(defaults, from(Map.of()));
        assertEquals(defaults, from(Map.of(RegistrySettings.TIMEOUT_MS, " ", RegistrySettings.AUTH_FILE, "")));
        assertEquals(defaults, RegistrySettings.defaults());
    }

    @Test
    void everyPropertyIsRead() {
        RegistrySettings settings = from(Map.of(
                RegistrySettings.LOOKUP, "FALSE",
                RegistrySettings.TIMEOUT_MS, "900",
                RegistrySettings.AUTH_FILE, "/etc/pid1/config.json",
                RegistrySettings.INSECURE, " registry.local:5000, ,127.0.0.1:5001 ",
                RegistrySettings.DEFAULT_ARCH, "ARM64",
                RegistrySettings.ALLOW, "Docker.io, registry.local:5000",
                RegistrySettings.ALLOW_INTERNAL, "127.0.0.1:5001"));
        assertEquals(new RegistrySettings(false, Duration.ofMillis(900), Optional.of(Path.of("/etc/pid1/config.json")),
                Set.of("registry.local:5000", "127.0.0.1:5001"), "arm64", Set.of("docker.io", "registry.local:5000"),
                Set.of("127.0.0.1:5001")), settings);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pid1.registry.lookup     | yes | pid1.registry.lookup must be true or false, got \"yes\"",
        "pid1.registry.timeout-ms | 1s  | pid1.registry.timeout-ms must be a number of milliseconds, got \"1s\"",
        "pid1.registry.timeout-ms | 0   | pid1.registry.timeout-ms must be positive, got 0",
    })
    void invalidValuesNameTheProperty(String property, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of(property, value)));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "pid1.registry.lookup, PID1_REGISTRY_LOOKUP",
        "pid1.registry.timeout-ms, PID1_REGISTRY_TIMEOUT_MS",
        "pid1.registry.auth-file, PID1_REGISTRY_AUTH_FILE",
        "pid1.registry.insecure, PID1_REGISTRY_INSECURE",
        "pid1.registry.default-arch, PID1_REGISTRY_DEFAULT_ARCH",
        "pid1.registry.allow, PID1_REGISTRY_ALLOW",
        "pid1.registry.allow-internal, PID1_REGISTRY_ALLOW_INTERNAL",
    })
    void eachPropertyHasItsSpecVariable(String property, String variable) {
        assertEquals(variable, RegistrySettings.variable(property));
    }
}
