package io.pid1.injector.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one answer may carry, so that a pod with thousands of findings cannot make an answer (and the memory
 * behind it) larger than its review. kube-apiserver keeps at most 4,096 characters of warnings per request and
 * cuts each to 256 ({@code k8s.io/apiserver/pkg/endpoints/filters/warning.go}); it caps the audit annotations
 * of admission policies at 10 KiB each ({@code maxAuditAnnotationValueLength}), and the same cap is used here.
 */
final class AnswerCaps {

    /** 30 lines of at most 120 characters fit in the API server's 4,096. */
    static final int MAX_WARNINGS = 30;

    static final int MAX_ANNOTATION_CHARS = 10 * 1024;

    private AnswerCaps() {}

    /** The first lines, the last of them replaced by a count of the rest when there are too many. */
    static List<String> warnings(List<String> lines) {
        if (lines.size() <= MAX_WARNINGS) {
            return lines;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, MAX_WARNINGS - 1));
        kept.add(more(lines.size() - kept.size()));
        return kept;
    }

    /** The lines joined by newlines, as many as fit in 10 KiB with the count of the rest. */
    static String annotation(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int room = MAX_ANNOTATION_CHARS - text.length() - (i + 1 < lines.size() ? 64 : 0);
            if (line.length() + 1 > room) {
                return text.append(more(lines.size() - i)).toString();
            }
            text.append(line).append(i + 1 < lines.size() ? "\n" : "");
        }
        return text.toString();
    }

    private static String more(int rest) {
        return String.format(Locale.ROOT, "pid1: … and %,d more", rest);
    }
}
