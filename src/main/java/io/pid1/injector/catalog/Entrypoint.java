package io.pid1.injector.catalog;

import java.util.List;

/**
 * An image's entrypoint script known to hand its arguments on with {@code exec "$@"} when they start
 * with one of {@code passThrough} (apache/airflow's {@code /entrypoint} for {@code bash} and
 * {@code python}); recognition then continues with those arguments. Any other script in front of a
 * server may build its own command line, so flags added after it are not trusted to reach the server.
 *
 * @param name        catalog key
 * @param executables the script's paths; an entry starting with {@code /} must equal argv[0], any other
 *                    its basename
 * @param passThrough first arguments it execs as they are; {@code *} for any
 * @param note        where the pass-through fact comes from
 */
public record Entrypoint(String name, List<String> executables, List<String> passThrough, String note) {

    /** Replaces absent values by empty ones. */
    public Entrypoint {
        executables = MissingFields.orEmpty(executables);
        passThrough = MissingFields.orEmpty(passThrough);
        note = note == null ? "" : note;
    }

    /** Whether it execs {@code next} (the word after it) unchanged. */
    boolean passes(String next) {
        return passThrough.contains("*") || passThrough.contains(ExecutablePatterns.basename(next));
    }
}
