package io.pid1.injector.cli.manifest;

import io.pid1.injector.core.ContainerOutcome;
import io.pid1.injector.core.Finding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code mutate} would do to a set of documents and why: every workload the engine saw, one
 * row per finding and one per container with its outcome.
 */
public record Audit(
        int documents, List<ManifestFixer.Result> workloads, List<AuditRow> rows, List<ContainerRow> containers) {

    /** The outcome of a workload whose pod was not analysed (opted out, Windows, mirror, no containers). */
    public static final String NOT_ANALYSED = "not-analysed";

    public Audit {
        workloads = List.copyOf(workloads);
        rows = List.copyOf(rows);
        containers = List.copyOf(containers);
    }

    /** The audit of documents the engine has seen. */
    public static Audit of(List<ManifestFixer.Fixed> fixed) {
        List<ManifestFixer.Result> workloads = new ArrayList<>();
        List<AuditRow> rows = new ArrayList<>();
        List<ContainerRow> containers = new ArrayList<>();
        for (ManifestFixer.Fixed document : fixed) {
            for (ManifestFixer.Result result : document.results()) {
                workloads.add(result);
                Workload workload = result.workload();
                result.outcome()
                        .containers()
                        .forEach(outcome -> containers.add(
                                new ContainerRow(workload, workload.lineOf(outcome.container()), outcome)));
                for (Finding finding : result.outcome().findings()) {
                    int line = finding.container()
                            .map(workload::lineOf)
                            .orElseGet(() -> workload.document().lines().of(workload.template()));
                    rows.add(new AuditRow(workload, line, finding, finding.applied() && result.changes()));
                }
            }
        }
        return new Audit(fixed.size(), workloads, rows, containers);
    }

    /** A workload's outcome id: its pod's ({@code fixed}, …), or {@link #NOT_ANALYSED}. */
    public static String outcomeOf(ManifestFixer.Result workload) {
        return workload.outcome().podKind().map(ContainerOutcome.Kind::id).orElse(NOT_ANALYSED);
    }

    /** How many containers have each outcome, every outcome named. */
    public Map<String, Long> containersByOutcome() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ContainerOutcome.Kind kind : ContainerOutcome.Kind.values()) {
            counts.put(kind.id(), 0L);
        }
        containers.forEach(row -> counts.merge(row.outcome().kind().id(), 1L, Long::sum));
        return counts;
    }

    /** How many workloads have each outcome, every outcome named (they add up to the workloads read). */
    public Map<String, Long> workloadsByOutcome() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ContainerOutcome.Kind kind : ContainerOutcome.Kind.values()) {
            counts.put(kind.id(), 0L);
        }
        counts.put(NOT_ANALYSED, 0L);
        workloads.forEach(workload -> counts.merge(outcomeOf(workload), 1L, Long::sum));
        return counts;
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

    /**
     * The summary line, e.g. {@code 12 findings in 5 workloads (7 would be fixed); 7 workloads in 9 documents
     * read: 5 fixed, 0 fine, 1 not-master-worker, 1 not-understood, 0 not-analysed; 8 containers: 6 fixed, …}.
     */
    public String summary() {
        return plural(rows.size(), "finding") + " in " + plural(workloadsWithFindings(), "workload") + " ("
                + wouldFix() + " would be fixed); " + plural(workloads.size(), "workload") + " in "
                + plural(documents, "document") + " read: " + counts(workloadsByOutcome()) + "; "
                + plural(containers.size(), "container") + ": " + counts(containersByOutcome());
    }

    private static String counts(Map<String, Long> byOutcome) {
        StringBuilder text = new StringBuilder();
        byOutcome.forEach((outcome, n) ->
                text.append(text.isEmpty() ? "" : ", ").append(n).append(' ').append(outcome));
        return text.toString();
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
