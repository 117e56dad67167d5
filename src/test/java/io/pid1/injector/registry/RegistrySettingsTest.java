package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.webhook.WebhookConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code pid1.registry.*} settings, read through the webhook's one configuration mapping. */
class RegistrySettingsTest {

    private static RegistrySettings from(Map<String, String> properties) {
        return WebhookConfig.of(properties).registry().settings();
    }

    @Test
    void absentPropertiesKeepTheDefaults() {
        RegistrySettings defaults = new RegistrySettings(
                true, Duration.ofMillis(1500), Optional.empty(), Set.of(), "amd64", Set.of(), Set.of());
        assertEquals(defaults, from(Map.of()));
        assertEquals(defaults, from(Map.of("pid1.registry.auth-file", "")));
        assertEquals(defaults, RegistrySettings.defaults());
    }

    @Test
    void everyPropertyIsRead() {
        RegistrySettings settings = from(Map.of(
                "pid1.registry.lookup", "FALSE",
                "pid1.registry.timeout-ms", "900",
                "pid1.registry.auth-file", "/etc/pid1/config.json",
                "pid1.registry.insecure", " registry.local:5000, ,127.0.0.1:5001 ",
                "pid1.registry.default-arch", "ARM64",
                "pid1.registry.allow", "Docker.io, registry.local:5000",
                "pid1.registry.allow-internal", "127.0.0.1:5001"));
        assertEquals(
                new RegistrySettings(
                        false,
                        Duration.ofMillis(900),
                        Optional.of(Path.of("/etc/pid1/config.json")),
                        Set.of("registry.local:5000", "127.0.0.1:5001"),
                        "arm64",
                        Set.of("docker.io", "registry.local:5000"),
                        Set.of("127.0.0.1:5001")),
                settings);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "pid1.registry.timeout-ms | 1s    | pid1.registry.timeout-ms",
                "pid1.registry.timeout-ms | 0     | pid1.registry.timeout-ms must be positive, got 0",
            })
    void invalidValuesNameTheProperty(String property, String value, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(Map.of(property, value)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
