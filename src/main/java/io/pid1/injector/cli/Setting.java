package io.pid1.injector.cli;

import java.util.Optional;

/** A setting read before Quarkus boots: the system property, else SPEC's environment variable. */
final class Setting {

    private Setting() {
    }

    static Optional<String> of(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
