package io.pid1.injector.shim;

import java.util.Arrays;
import java.util.Locale;

/** The signals a server may want as its graceful stop, by their portable names. */
public enum Signal {
    HUP,
    INT,
    QUIT,
    KILL,
    USR1,
    USR2,
    TERM,
    CONT,
    STOP,
    WINCH;

    /** Reads {@code SIGQUIT}, {@code QUIT} or {@code quit}. */
    public static Signal parse(String name) {
        String bare = name.trim().toUpperCase(Locale.ROOT);
        if (bare.startsWith("SIG")) {
            bare = bare.substring(3);
        }
        for (Signal signal : values()) {
            if (signal.name().equals(bare)) {
                return signal;
            }
        }
        throw new IllegalArgumentException("unknown signal \"" + name + "\"; known: " + Arrays.toString(values()));
    }

    @Override
    public String toString() {
        return "SIG" + name();
    }
}
