package io.pid1.injector.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The fixes, by the names users write in {@code pid1.io/fixes} (docs/reference.md). */
public enum FixKind {
    EXEC, INIT, SIGNAL, PROBES, PRESTOP, PIDNS;

    /** What runs when nothing says otherwise: every fix but {@code pidns}. */
    public static Set<FixKind> defaults() {
        return EnumSet.of(EXEC, INIT, SIGNAL, PROBES, PRESTOP);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FixKind> byId(String id) {
        for (FixKind kind : values()) {
            if (kind.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
