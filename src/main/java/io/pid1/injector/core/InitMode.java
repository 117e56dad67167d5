package io.pid1.injector.core;

import java.util.Locale;
import java.util.Optional;

/** Which init goes in front of a fixed server ({@code pid1.io/init}). */
public enum InitMode {
    TINI,
    SHIM,
    NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InitMode> byId(String id) {
        for (InitMode mode : values()) {
            if (mode.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
