package io.pid1.injector.cli.manifest;

import io.pid1.injector.core.Finding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What {@code mutate} would do to a set of documents and why: every workload the engine saw and
 * one row per finding.
 */
public record Audit(int documents, List<ManifestFixer.Result> workloads, List<AuditRow> rows) {

    public Audit {
        workloads = List.copyOf(workloads);
        rows = List.copyOf(rows);
    }

    /** The audit of documents the engine has seen. */
    public static Audit of(List<ManifestFixer.Fixed> fixed) {
        List<ManifestFixer.Result> workloads = new ArrayList<>();
        List<AuditRow> rows = new ArrayList<>();
        for (ManifestFixer.Fixed document : fixed) {
            for (ManifestFixer.Result result : document.results()) {
                workloads.add(result);
                Workload workload = result.workload();
                for (Finding finding : result.outcome().findings()) {
                    int line = finding.container().map(workload::lineOf)
                            .orElseGet(() -> workload.document().lines().of(workload.template()));
                    rows.add(new AuditRow(workload, line, finding, finding.applied() && result.changes()));
                }
            }
        }
        return new Audit(fixed.size(), workloads, rows);
    }

    public long wouldFix() {
        return rows.stream().filter(AuditRow::wouldFix).count();
    }

    /** Workloads with at least one finding. */
    public long workloadsWithFindings() {
        Set<Workload> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        rows.forEach(row -> seen.add(row.workload()));
        return seen.size();
    }

    /** The summary line, e.g. {@code 12 findings in 5 workloads (7 would be fixed)}. */
    public String summary() {
        return plural(rows.size(), "finding") + " in " + plural(workloadsWithFindings(), "workload") + " ("
                + wouldFix() + " would be fixed); " + plural(workloads.size(), "workload") + " in "
                + plural(documents, "document") + " analysed";
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
