package io.pid1.injector.catalog;

import java.util.List;

/**
 * A process manager that supervises several programs ({@code supervisord}, {@code s6-svscan},
 * {@code runsvdir}): the webhook keeps its hands off what runs under it.
 *
 * @param name        catalog key
 * @param executables basenames that start it
 * @param modules     {@code python -m} module names that start it
 */
public record ProcessManager(String name, List<String> executables, List<String> modules) {

    /** Replaces absent lists by empty ones. */
    public ProcessManager {
        executables = MissingFields.orEmpty(executables);
        modules = MissingFields.orEmpty(modules);
    }
}
