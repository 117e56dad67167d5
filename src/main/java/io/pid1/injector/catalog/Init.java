package io.pid1.injector.catalog;

import java.util.List;

/**
 * An init that may already run in front of the program ({@code tini}, {@code dumb-init}, s6's
 * {@code /init}); recognition continues with the program after its options and {@code --}.
 *
 * @param name         catalog key
 * @param executables  basenames that start it; an entry starting with {@code /} must match argv[0]
 *                     exactly (s6-overlay's {@code /init})
 * @param valueOptions its options that take a separate value ({@code -p SIG}, {@code --rewrite s:r})
 */
public record Init(String name, List<String> executables, List<String> valueOptions) {

    /** Replaces absent lists by empty ones. */
    public Init {
        executables = MissingFields.orEmpty(executables);
        valueOptions = MissingFields.orEmpty(valueOptions);
    }
}
