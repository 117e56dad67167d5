package io.pid1.injector.cli.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The audit for people: one aligned row per finding (FILE:LINE, WORKLOAD, CONTAINER, FIX,
 * ACTION, FINDING), then one per container (FILE:LINE, WORKLOAD, CONTAINER, OUTCOME, WHY), then the
 * summary line. {@code -} stands for no container (the pod as a whole) or no fix (a bad annotation).
 */
public final class TableReport {

    private static final List<String> HEADER =
            List.of("FILE:LINE", "WORKLOAD", "CONTAINER", "FIX", "ACTION", "FINDING");
    private static final List<String> CONTAINERS = List.of("FILE:LINE", "WORKLOAD", "CONTAINER", "OUTCOME", "WHY");

    private TableReport() {}

    public static String render(Audit audit) {
        List<List<String>> findings = new ArrayList<>();
        findings.add(HEADER);
        for (AuditRow row : audit.rows()) {
            findings.add(List.of(
                    row.file() + ":" + row.line(),
                    row.workload().id(),
                    orDash(row.container()),
                    orDash(row.fix()),
                    row.action(),
                    row.finding().line()));
        }
        List<List<String>> containers = new ArrayList<>();
        containers.add(CONTAINERS);
        for (ContainerRow row : audit.containers()) {
            containers.add(List.of(
                    row.file() + ":" + row.line(),
                    row.workload().id(),
                    row.outcome().container(),
                    row.outcome().kind().id(),
                    row.outcome().reason()));
        }
        StringBuilder out = new StringBuilder();
        if (!audit.rows().isEmpty()) {
            aligned(findings, out);
        }
        if (!audit.containers().isEmpty()) {
            out.append(out.isEmpty() ? "" : "\n");
            aligned(containers, out);
        }
        return out.append(audit.summary()).append('\n').toString();
    }

    private static void aligned(List<List<String>> table, StringBuilder out) {
        int[] widths = new int[table.get(0).size()];
        for (List<String> cells : table) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        for (List<String> cells : table) {
            for (int i = 0; i < widths.length - 1; i++) {
                out.append(cells.get(i))
                        .append(" ".repeat(widths[i] - cells.get(i).length() + 2));
            }
            out.append(cells.get(widths.length - 1)).append('\n');
        }
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
