package io.pid1.injector.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Listen-flag values read as addresses, and {@code $(VAR)} references in them. */
class ListenAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            0.0.0.0:8000           | 0.0.0.0   | 8000 | false
            :8080                  | -         | 8080 | false
            8081                   | -         | 8081 | false
            0.0.0.0                | 0.0.0.0   | -    | false
            [::]:9292              | ::        | 9292 | false
            ::                     | ::        | -    | false
            tcp://0.0.0.0:3000     | 0.0.0.0   | 3000 | false
            ssl://0.0.0.0:9443?key=k | 0.0.0.0 | 9443 | false
            unix:/run/app.sock     | -         | -    | true
            unix:///run/puma.sock  | -         | -    | true
            /tmp/uwsgi.sock        | -         | -    | true
            """)
    void parses(String value, String host, Integer port, boolean unixSocket) {
        ListenAddress address = ListenAddress.parse(value).orElseThrow();
        assertEquals(Optional.ofNullable(host), address.host());
        assertEquals(port == null ? OptionalInt.empty() : OptionalInt.of(port), address.port());
        assertEquals(unixSocket, address.unixSocket());
    }

    @ParameterizedTest
    @CsvSource({"fd://3", "0.0.0.0:http", "0.0.0.0:99999", "0.0.0.0:0"})
    void refusesWhatIsNoAddress(String value) {
        assertEquals(Optional.empty(), ListenAddress.parse(value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            0.0.0.0:$(PORT)     | 0.0.0.0:8080
            $(HOST):$(PORT)     | web:8080
            $$(PORT)            | $(PORT)
            $(UNKNOWN)          | -
            $(UNDEFINED)        | -
            plain               | plain
            """)
    void resolvesReferencesFromLiteralEnv(String word, String resolved) {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "8080", "HOST", "web"));
        env.put("UNKNOWN", null);
        assertEquals(Optional.ofNullable(resolved), EnvRefs.resolve(word, env));
    }
}
