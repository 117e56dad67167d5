package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.catalog.Catalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the golden files cannot show: the shape of the patch, and a cluster without native sidecars. */
class SidecarsFixTest {

    @Test
    void thePatchRemovesTheSidecarFromContainersAndAddsItToInitContainers() throws IOException {
        Outcome outcome = GoldenTest.FIXER.fix(golden("194-migration-needs-pgbouncer"), ImageFacts.none());

        List<String> ops = new ArrayList<>();
        outcome.patch()
                .forEach(op ->
                        ops.add(op.path("op").asText() + " " + op.path("path").asText()));
        assertTrue(ops.contains("remove /spec/containers/1"), ops.toString());
        assertTrue(ops.contains("add /spec/initContainers/0"), "pid1-init first: " + ops);
        assertTrue(ops.contains("add /spec/initContainers/2"), "pgbouncer before migrate: " + ops);
        assertTrue(
                ops.stream().noneMatch(op -> op.matches("replace /spec/(initContainers|containers)")), ops.toString());
        assertTrue(
                ops.stream().noneMatch(op -> op.startsWith("remove") && !op.equals("remove /spec/containers/1")),
                ops.toString());
    }

    @Test
    void aClusterWithoutNativeSidecarsKeepsTheContainerAndIsToldWhy() throws IOException {
        EngineSettings old = new EngineSettings(
                FixKind.defaults(),
                InitMode.TINI,
                EngineSettings.DEFAULT_INIT_IMAGE,
                EngineSettings.DEFAULT_SHIM_IMAGE,
                EngineSettings.DEFAULT_DRAIN_SECONDS,
                false,
                EngineSettings.VERSION,
                true);
        JsonNode job = golden("190-job-log-shipper");

        Outcome outcome = new PodFixer(Catalog.builtin(), old).fix(job, ImageFacts.none());

        assertTrue(outcome.patch().isEmpty(), outcome.patch().toString());
        assertEquals(
                List.of("pid1: container \"log-shipper\": fluent-bit stays a container: PID1_NATIVE_SIDECARS=false"
                        + " (a cluster before 1.29)"),
                outcome.findings().stream().map(Finding::line).toList());
    }

    private static JsonNode golden(String name) throws IOException {
        return GoldenTest.YAML.readTree(
                GoldenTest.ROOT.resolve(name).resolve("in.yaml").toFile());
    }
}
