package io.pid1.injector.catalog;

import java.util.List;

/**
 * A program seen beside master-worker servers that is not one ({@code celery beat}, {@code sidekiq}): named, so
 * that a finding or an audit says what runs, and never given a master-worker fix.
 *
 * @param name        what to call it ({@code celery beat})
 * @param executables basenames that start it
 * @param modules     {@code python -m} module names that start it
 * @param subcommands the first non-option word after the executable or module, one of these; empty: any
 * @param what        what it is, in a few words ({@code a scheduler, one process})
 * @param note        where the fact comes from; not used by the engine
 */
public record NotMasterWorker(
        String name,
        List<String> executables,
        List<String> modules,
        List<String> subcommands,
        String what,
        String note) {

    /** Replaces absent lists by empty ones. */
    public NotMasterWorker {
        executables = MissingFields.orEmpty(executables);
        modules = MissingFields.orEmpty(modules);
        subcommands = MissingFields.orEmpty(subcommands);
    }
}
