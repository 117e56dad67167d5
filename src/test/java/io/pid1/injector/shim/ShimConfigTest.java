package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShimConfigTest {

    private static final String TOKEN = "ConfigTestDrainToken-01";

    @Test
    void readsTheWebhooksForm() {
        ShimConfig config = ShimConfig.parse("""
                {"port": 9091, "drainToken": "%s", "containers": [{"name": "web",
                  "argv": ["gunicorn","app:app","-w","4","-b","0.0.0.0:8000"], "server": "gunicorn", "workers": 4,
                  "httpPort": 8000, "gracefulSignal": "SIGTERM", "gracefulSeconds": 30, "drainSeconds": 5}]}""".formatted(TOKEN));
        assertEquals(
                new ShimConfig(
                        "0.0.0.0",
                        9091,
                        TOKEN,
                        List.of(new ContainerSpec(
                                "web",
                                List.of("gunicorn", "app:app", "-w", "4", "-b", "0.0.0.0:8000"),
                                "gunicorn",
                                OptionalInt.of(4),
                                OptionalInt.of(8000),
                                "/",
                                Signal.TERM,
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(5)))),
                config);
        assertEquals(Duration.ofSeconds(37), config.longestDrain(), "drain 5 s + graceful 30 s + exit margin 2 s");
    }

    @Test
    void theTokenStaysOutOfTheConfigsText() {
        ShimConfig config = ShimConfig.parse(
                "{\"drainToken\": \"" + TOKEN + "\", \"containers\": [{\"name\": \"w\", " + "\"argv\": [\"x\"]}]}");
        assertEquals(TOKEN, config.drainToken());
        assertFalse(config.toString().contains(TOKEN), config.toString());
    }

    @Test
    void fillsDefaults() {
        ShimConfig config = ShimConfig.parse("""
                {"drainToken": "%s", "containers": [{"name": "proxy", "argv": ["/usr/sbin/nginx", "-g", "daemon off;"],
                  "gracefulSignal": "quit", "drainSeconds": 0.5, "httpPath": "/healthz"}]}""".formatted(TOKEN));
        ContainerSpec proxy = config.container("proxy");
        assertEquals(9091, config.port());
        assertEquals("0.0.0.0", config.host());
        assertEquals("nginx", proxy.server());
        assertEquals(OptionalInt.empty(), proxy.workers());
        assertEquals(1, proxy.expectedWorkers());
        assertEquals(OptionalInt.empty(), proxy.httpPort());
        assertEquals("/healthz", proxy.httpPath());
        assertEquals(Signal.QUIT, proxy.gracefulSignal());
        assertEquals(Duration.ofSeconds(30), proxy.gracefulTimeout());
        assertEquals(Duration.ofMillis(500), proxy.drainTime());
        assertNull(config.container("web"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json | shim config is not JSON",
                "[] | shim config must be a JSON object",
                "'' | shim config is not JSON: no JSON value",
                "{\"containers\": []} {} | shim config is not JSON: unexpected text after the JSON value",
                "{\"port\": 1, \"port\": 2} | shim config is not JSON: Duplicate field 'port'",
                "{\"host\": 1, \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config: \"host\" must be a string",
                "{} | shim config needs a non-empty \"containers\" array",
                "{\"containers\": []} | shim config needs a non-empty \"containers\" array",
                "{\"containers\": [{\"argv\": [\"x\"]}]} | each container needs a \"name\"",
                "{\"containers\": [{\"name\": \"w\"}]} | container \"w\" needs a non-empty \"argv\"",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [1]}]} | container \"w\": \"argv\" must hold strings",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"worker\": 2}]} | container \"w\": unknown field \"worker\"",
                "{\"prot\": 1, \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config: unknown field \"prot\"",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}, {\"name\": \"w\", \"argv\": [\"y\"]}]} | container \"w\" is listed twice",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"gracefulSignal\": \"SIGSTOPP\"}]} | container \"w\": unknown signal \"SIGSTOPP\"",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"workers\": 0}]} | container \"w\": \"workers\" must be a whole number from 1 to 2147483647",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"workers\": 2.5}]} | container \"w\": \"workers\" must be a whole number from 1 to 2147483647",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"workers\": \"4\"}]} | container \"w\": \"workers\" must be a whole number from 1 to 2147483647",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"httpPort\": 70000}]} | container \"w\": \"httpPort\" must be a whole number from 1 to 65535",
                "{\"port\": -1, \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config: \"port\" must be a whole number from 0 to 65535",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"httpPath\": \"health\"}]} | container \"w\": \"httpPath\" must start with /",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"drainSeconds\": -1}]} | container \"w\": \"drainSeconds\" must be a number of seconds",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"gracefulSeconds\": \"30\"}]} | container \"w\": \"gracefulSeconds\" must be a number of seconds",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config needs a \"drainToken\" of 22 to 256",
                "{\"drainToken\": \"short\", \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config needs a \"drainToken\"",
                "{\"drainToken\": \"with space and 22 chars or more\", \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config needs a \"drainToken\"",
                "{\"drainToken\": 12345678901234567890123, \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]} | shim config needs a \"drainToken\"",
            })
    void rejectsMistakesWithAOneLineReason(String json, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShimConfig.parse(json));
        assertEquals(true, e.getMessage().startsWith(reason), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"SIGQUIT, QUIT", "QUIT, QUIT", "sigwinch, WINCH", "' TERM ', TERM", "int, INT"})
    void readsSignalNames(String name, Signal signal) {
        assertEquals(signal, Signal.parse(name));
        assertEquals("SIG" + signal.name(), signal.toString());
    }
}
