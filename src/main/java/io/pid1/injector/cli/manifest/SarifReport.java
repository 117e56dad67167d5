package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit as SARIF 2.1.0, so CI systems show findings inline: one rule per fix (and
 * {@code annotation} for bad {@code pid1.io/*} annotations); a change {@code mutate} would apply
 * is a {@code note}, a finding it only reports a {@code warning}, placed at the container's line.
 * Each container's outcome is one more result under the rule of that outcome: {@code not-understood}
 * a {@code warning}, {@code fixed} a {@code note}, {@code fine} of kind {@code pass} and
 * {@code not-master-worker} of kind {@code notApplicable} (SARIF's kinds for "checked, nothing wrong" and
 * "the rule does not apply"), so that a result list with no warning still shows what was looked at.
 */
public final class SarifReport {

    static final String SCHEMA =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    static final String NO_FIX_RULE = "annotation";

    private static final Map<String, String> RULES = rules();
    private static final ObjectMapper JSON = new ObjectMapper();

    private SarifReport() {}

    private static Map<String, String> rules() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("exec", "Run the server in exec form instead of under a shell");
        rules.put("init", "Run an init as PID 1 that forwards signals and reaps zombies");
        rules.put("signal", "Stop the server with its graceful signal");
        rules.put("probes", "Probe the server over HTTP for liveness and readiness");
        rules.put("prestop", "Drain before stopping, within a grace period that fits");
        rules.put("pidns", "Share the pod's process namespace so that zombies are reaped");
        rules.put("shim", "Supervise the server's workers with pid1-shim (pid1.io/init: shim)");
        rules.put("sidecars", "Start known sidecars before the app and stop them after it");
        rules.put(NO_FIX_RULE, "A pid1.io annotation of the pod has a bad value");
        rules.put("fixed", "The container runs a master-worker server that mutate fixes");
        rules.put("fine", "The container runs a master-worker server that needs no fix");
        rules.put("not-master-worker", "The container runs no master-worker server");
        rules.put("not-understood", "What the container runs could not be read; it was not checked");
        return rules;
    }

    public static String render(Audit audit, String version) {
        ObjectNode log = JSON.createObjectNode();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "pid1-injector");
        driver.put("version", version);
        ArrayNode rules = driver.putArray("rules");
        RULES.forEach((id, text) ->
                rules.addObject().put("id", id).putObject("shortDescription").put("text", text));
        ArrayNode results = run.putArray("results");
        List<String> ids = List.copyOf(RULES.keySet());
        for (AuditRow row : audit.rows()) {
            String rule = row.fix() == null ? NO_FIX_RULE : row.fix();
            ObjectNode result = results.addObject();
            result.put("ruleId", rule);
            result.put("ruleIndex", ids.indexOf(rule));
            result.put("level", row.wouldFix() ? "note" : "warning");
            result.putObject("message")
                    .put("text", row.workload().id() + ": " + row.finding().line());
            locate(result, row.file(), row.line());
        }
        for (ContainerRow row : audit.containers()) {
            String rule = row.outcome().kind().id();
            ObjectNode result = results.addObject();
            result.put("ruleId", rule);
            result.put("ruleIndex", ids.indexOf(rule));
            switch (row.outcome().kind()) {
                case FIXED -> result.put("kind", "fail").put("level", "note");
                case NOT_UNDERSTOOD -> result.put("kind", "fail").put("level", "warning");
                case FINE -> result.put("kind", "pass").put("level", "none");
                case NOT_MASTER_WORKER -> result.put("kind", "notApplicable").put("level", "none");
            }
            result.putObject("message")
                    .put("text", row.workload().id() + ": " + row.outcome().line());
            locate(result, row.file(), row.line());
        }
        return log.toPrettyString() + "\n";
    }

    private static void locate(ObjectNode result, String file, int line) {
        ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
        physical.putObject("artifactLocation").put("uri", uri(file));
        physical.putObject("region").put("startLine", Math.max(1, line));
    }

    /** The file as a relative URI reference ({@code stdin} for {@code -}). */
    static String uri(String file) {
        if (file.equals("-")) {
            return "stdin";
        }
        try {
            return new URI(null, null, file, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a path: " + file, e);
        }
    }
}
