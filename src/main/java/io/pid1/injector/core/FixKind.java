package io.pid1.injector.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The fixes, by the names users write in {@code pid1.io/fixes} and {@code PID1_FIXES} (docs/reference.md). */
public enum FixKind {
    EXEC,
    INIT,
    SHIM,
    SIGNAL,
    PROBES,
    PRESTOP,
    PIDNS,
    SIDECARS,
    PIN;

    /** Made once: ids are asked for on every fix of every pod. */
    private final String id = name().toLowerCase(Locale.ROOT);

    /** What runs when nothing says otherwise: every fix but {@code pidns}. */
    public static Set<FixKind> defaults() {
        return EnumSet.of(EXEC, INIT, SIGNAL, PROBES, PRESTOP, SIDECARS);
    }

    /**
     * The name that switches this fix on or off and that {@code pid1.io/status} records: the shim is the
     * init a pod chooses with {@code pid1.io/init: shim}, so {@code init} switches it.
     */
    public FixKind switchedBy() {
        return this == SHIM ? INIT : this;
    }

    /**
     * Whether it runs whatever the pod's fixes: {@code pin} follows the fixes that write an image's argv into
     * the spec, switched only by {@code PID1_PIN_DIGEST}, and is recorded under the fix that wrote the argv.
     */
    public boolean alwaysOn() {
        return this == PIN;
    }

    public String id() {
        return id;
    }

    /** The fix a user names; {@code shim} is not one ({@link #switchedBy()}). */
    public static Optional<FixKind> byId(String id) {
        for (FixKind kind : values()) {
            if (kind.switchedBy() == kind
                    && !kind.alwaysOn()
                    && kind.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
