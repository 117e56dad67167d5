package io.pid1.injector.cli.manifest;

import io.pid1.injector.core.ContainerOutcome;

/**
 * What became of one container, placed in the input.
 *
 * @param workload where it is
 * @param line     the line of its {@code - name:} entry
 * @param outcome  what the engine made of it
 */
public record ContainerRow(Workload workload, int line, ContainerOutcome outcome) {

    /** The file as shown to people. */
    public String file() {
        return workload.document().source();
    }
}
