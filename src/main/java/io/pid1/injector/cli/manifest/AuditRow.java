package io.pid1.injector.cli.manifest;

import io.pid1.injector.core.Finding;
import io.pid1.injector.core.FixKind;

/**
 * One finding of the engine, placed in the input.
 *
 * @param workload where it is
 * @param line     the line of its container's entry (of the pod template for a pod-wide finding)
 * @param finding  what the engine said
 * @param wouldFix {@code mutate} applies this change (false: reported only)
 */
public record AuditRow(Workload workload, int line, Finding finding, boolean wouldFix) {

    /** The file as shown to people. */
    public String file() {
        return workload.document().source();
    }

    /** The container's name; {@code null} for the pod as a whole. */
    public String container() {
        return finding.container().orElse(null);
    }

    /** The fix's id; {@code null} for a finding of no fix (a bad annotation). */
    public String fix() {
        return finding.fix().map(FixKind::id).orElse(null);
    }

    /** {@code fix} when {@code mutate} applies it, else {@code report}. */
    public String action() {
        return wouldFix ? "fix" : "report";
    }
}
