package io.pid1.injector.cli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strings a YAML 1.1 reader would take for something else are quoted; others stay plain. */
class Yaml11QuotingTest {

    private final Yaml11Quoting quoting = new Yaml11Quoting();

    @ParameterizedTest(name = "{0} quoted: {1}")
    @CsvSource({
        "1e3, true",
        "0x1F, true",
        "0o17, true",
        "0b101, true",
        "1_000, true",
        "1:30, true",
        "'4', true",
        "'-1.5', true",
        ".inf, true",
        "2024-01-01, true",
        "2024-1-1T10:00:00Z, true",
        "yes, true",
        "Off, true",
        "null, true",
        "~, true",
        "<<, true",
        "=, true",
        "100m, false",
        "256Mi, false",
        "gunicorn, false",
        "/healthz, false",
        "app:app, false",
        "v1.2.3, false"
    })
    void quotesWhatYaml11WouldNotReadAsAString(String value, boolean quoted) {
        assertEquals(quoted, quoting.needToQuoteValue(value), value);
    }
}
