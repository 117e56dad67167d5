package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.core.ContainerOutcome;
import io.pid1.injector.core.Outcome;
import java.util.List;
import java.util.Map;

/**
 * The audit for programs ({@code audit -o json}). Format version 1; fields are only ever added:
 * <pre>{@code
 * {
 *   "version": 1,
 *   "summary": {"documents": 9, "workloads": 7, "workloadsWithFindings": 5, "findings": 12, "wouldFix": 7,
 *               "outcomes": {"fixed": 5, "fine": 0, "not-master-worker": 1, "not-understood": 1,
 *                            "not-analysed": 0},   // workloads by outcome: they add up to "workloads"
 *               "containers": {"fixed": 6, "fine": 0, "not-master-worker": 1, "not-understood": 1}},
 *   "workloads": [                    // every Pod and pod template, in input order
 *     {"file": "deploy/web.yaml", "line": 1, "kind": "Deployment", "name": "web", "namespace": "shop",
 *      "reportOnly": false,           // the pod says pid1.io/inject: audit; mutate leaves it alone
 *      "changes": true,               // mutate changes this workload
 *      "servers": {"web": "gunicorn"},// the server recognised, by container
 *      "fixes": {"web": ["exec", "init"]},  // fix ids the engine applies, by container
 *      "podFixes": [],                // fix ids applied to the pod as a whole (pidns)
 *      "outcome": "fixed",            // the first of not-understood, fixed, fine, not-master-worker that a
 *                                     // container has; not-analysed when none was (opted out, Windows, …)
 *      "containers": [                // every container, in order, with exactly one outcome
 *        {"name": "web", "line": 21, "outcome": "fixed", "reason": "gunicorn: exec, init"}]}
 *   ],
 *   "findings": [                     // one per finding, in input order
 *     {"file": "deploy/web.yaml", "line": 21, // the line of the container's "- name:" entry
 *      "kind": "Deployment", "name": "web", "namespace": "shop",
 *      "container": "web",            // null: about the pod as a whole
 *      "fix": "exec",                 // null: no fix (a bad annotation)
 *      "action": "fix",               // "fix": mutate applies it; "report": said only
 *      "message": "pid1: container \"web\": gunicorn ran under \"sh -c\"; now exec form"}
 *   ]
 * }
 * }</pre>
 * {@code namespace} is null when the manifest names none; {@code file} is {@code -} for stdin.
 */
public final class JsonReport {

    /** The format version; raised only if a field changes meaning or goes away. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static String render(Audit audit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode summary = root.putObject("summary");
        summary.put("documents", audit.documents());
        summary.put("workloads", audit.workloads().size());
        summary.put("workloadsWithFindings", audit.workloadsWithFindings());
        summary.put("findings", audit.rows().size());
        summary.put("wouldFix", audit.wouldFix());
        ObjectNode outcomes = summary.putObject("outcomes");
        audit.workloadsByOutcome().forEach(outcomes::put);
        ObjectNode containers = summary.putObject("containers");
        audit.containersByOutcome().forEach(containers::put);
        ArrayNode workloads = root.putArray("workloads");
        audit.workloads().forEach(result -> workload(workloads.addObject(), result));
        ArrayNode findings = root.putArray("findings");
        for (AuditRow row : audit.rows()) {
            ObjectNode finding = place(findings.addObject(), row.workload(), row.line());
            finding.put("container", row.container());
            finding.put("fix", row.fix());
            finding.put("action", row.action());
            finding.put("message", row.finding().line());
        }
        return root.toPrettyString() + "\n";
    }

    private static void workload(ObjectNode node, ManifestFixer.Result result) {
        Outcome outcome = result.outcome();
        place(node, result.workload(), result.workload().line());
        node.put("reportOnly", outcome.reportOnly());
        node.put("changes", result.changes());
        ObjectNode servers = node.putObject("servers");
        outcome.servers().forEach(servers::put);
        ObjectNode fixes = node.putObject("fixes");
        ArrayNode podFixes = JSON.createArrayNode();
        for (Map.Entry<String, List<String>> entry : outcome.applied().entrySet()) {
            ArrayNode ids = entry.getKey().isEmpty() ? podFixes : fixes.putArray(entry.getKey());
            entry.getValue().forEach(ids::add);
        }
        node.set("podFixes", podFixes);
        node.put("outcome", Audit.outcomeOf(result));
        ArrayNode containers = node.putArray("containers");
        for (ContainerOutcome container : outcome.containers()) {
            containers
                    .addObject()
                    .put("name", container.container())
                    .put("line", result.workload().lineOf(container.container()))
                    .put("outcome", container.kind().id())
                    .put("reason", container.reason());
        }
    }

    private static ObjectNode place(ObjectNode node, Workload workload, int line) {
        node.put("file", workload.document().source());
        node.put("line", line);
        node.put("kind", workload.kind());
        node.put("name", workload.name());
        node.put("namespace", workload.namespace());
        return node;
    }
}
