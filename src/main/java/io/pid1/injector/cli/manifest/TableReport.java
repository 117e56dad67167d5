package io.pid1.injector.cli.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The audit for people: one aligned row per finding (FILE:LINE, WORKLOAD, CONTAINER, FIX,
 * ACTION, FINDING), then the summary line. {@code -} stands for no container (the pod as a
 * whole) or no fix (a bad annotation).
 */
public final class TableReport {

    private static final List<String> HEADER = List.of("FILE:LINE", "WORKLOAD", "CONTAINER", "FIX", "ACTION", "FINDING");

    private TableReport() {
    }

    public static String render(Audit audit) {
        List<List<String>> table = new ArrayList<>();
        table.add(HEADER);
        for (AuditRow row : audit.rows()) {
            table.add(List.of(row.file() + ":" + row.line(), row.workload().id(), orDash(row.container()),
                    orDash(row.fix()), row.action(), row.finding().line()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> cells : table) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (!audit.rows().isEmpty()) {
            for (List<String> cells : table) {
                for (int i = 0; i < widths.length - 1; i++) {
                    out.append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length() + 2));
                }
                out.append(cells.get(widths.length - 1)).append('\n');
            }
        }
        return out.append(audit.summary()).append('\n').toString();
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
