package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #21 classes 4 and 5: every container read gets exactly one outcome in the table, the JSON and the SARIF, and
 * {@code --offline} drops no workload: one that needs its image's configuration is not understood (offline),
 * and the summary's counts add up to the workloads read.
 */
class OutcomesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHART =
            Path.of("src/test/resources/cli/outcomes/chart.yaml").toString();

    @Test
    void everyContainerHasExactlyOneOutcomeInTheJson() throws IOException {
        JsonNode audit = JSON.readTree(
                CliRun.of("audit", "--offline", "-o", "json", "-f", CHART).out());
        Map<String, String> outcomes = new java.util.LinkedHashMap<>();
        for (JsonNode workload : audit.path("workloads")) {
            for (JsonNode container : workload.path("containers")) {
                outcomes.put(
                        workload.path("kind").asText() + "/"
                                + workload.path("name").asText() + " "
                                + container.path("name").asText(),
                        container.path("outcome").asText() + ": "
                                + container.path("reason").asText());
            }
        }
        assertEquals(
                Map.of(
                        "Deployment/web web", "fixed: gunicorn: exec, init, probes, prestop",
                        "StatefulSet/api api", "not-understood: image configuration not read (offline)",
                        "DaemonSet/cache cache", "not-understood: image configuration not read (offline)",
                        "CronJob/beat beat", "not-master-worker: celery beat: a scheduler, one process",
                        "Deployment/tiles web",
                                "fine: gunicorn: init tini present, HTTP liveness present, preStop present"),
                outcomes);
    }

    @Test
    void offlineCountsAddUpToTheWorkloadsRead() throws IOException {
        JsonNode summary = JSON.readTree(CliRun.of("audit", "--offline", "-o", "json", "-f", CHART)
                        .out())
                .path("summary");
        assertEquals(6, summary.path("workloads").asInt());
        List<Integer> counts = new ArrayList<>();
        summary.path("outcomes").forEach(n -> counts.add(n.asInt()));
        assertEquals(6, counts.stream().mapToInt(Integer::intValue).sum(), summary.toString());
        assertEquals(2, summary.path("outcomes").path("not-understood").asInt(), summary.toString());
        assertEquals(1, summary.path("outcomes").path("not-analysed").asInt(), summary.toString());
    }

    @Test
    void theTableListsEveryContainerAndASummaryThatAddsUp() {
        String table = CliRun.of("audit", "--offline", "-f", CHART).out().replaceAll(" {2,}", " | ");
        assertTrue(
                table.contains(CHART + ":23 | StatefulSet/api | api | not-understood | image configuration not "
                        + "read (offline)\n"),
                table);
        assertTrue(
                table.contains(CHART + ":50 | CronJob/beat | beat | not-master-worker | celery beat: a scheduler, "
                        + "one process\n"),
                table);
        assertTrue(
                table.endsWith("6 workloads in 6 documents read: 1 fixed, 1 fine, 1 not-master-worker, "
                        + "2 not-understood, 1 not-analysed; 5 containers: 1 fixed, 1 fine, 1 not-master-worker, "
                        + "2 not-understood\n"),
                table);
    }

    @Test
    void sarifSaysEachContainersOutcomeWithItsKind() throws IOException {
        JsonNode results = JSON.readTree(CliRun.of("audit", "--offline", "-o", "sarif", "-f", CHART)
                        .out())
                .path("runs")
                .path(0)
                .path("results");
        List<String> outcomes = new ArrayList<>();
        for (JsonNode result : results) {
            if (result.has("kind")) {
                outcomes.add(result.path("ruleId").asText() + " "
                        + result.path("kind").asText() + " "
                        + result.path("level").asText() + " line "
                        + result.path("locations")
                                .path(0)
                                .path("physicalLocation")
                                .path("region")
                                .path("startLine")
                                .asInt());
            }
        }
        assertEquals(
                List.of(
                        "fixed fail note line 11",
                        "not-understood fail warning line 23",
                        "not-understood fail warning line 34",
                        "not-master-worker notApplicable none line 50",
                        "fine pass none line 63"),
                outcomes);
    }

    @Test
    void mutateOfflineNamesEveryWorkloadItLeavesUnread() {
        CliRun run = CliRun.of("mutate", "--offline", "-f", CHART);
        assertEquals(0, run.exit());
        assertEquals(
                List.of(
                        "pid1-injector: " + CHART + ":23: StatefulSet/api: container \"api\": not-understood (image "
                                + "configuration not read (offline)); left as it is",
                        "pid1-injector: " + CHART + ":34: DaemonSet/cache: container \"cache\": not-understood (image "
                                + "configuration not read (offline)); left as it is"),
                run.err().lines().limit(2).toList());
        assertTrue(
                run.err()
                        .lines()
                        .skip(2)
                        .findFirst()
                        .orElseThrow()
                        .contains(
                                "6 workloads in 6 documents read: 1 fixed, 1 fine, 1 not-master-worker, 2 not-understood, "
                                        + "1 not-analysed"),
                run.err());
    }
}
