package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code audit}: SARIF that validates, lines of containers, {@code --fail-on}, the progress line. */
class AuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOYMENT =
            ManifestGoldenTest.IN.resolve("deployment-gunicorn.yaml").toString();

    static List<String> inputs() throws IOException {
        return ManifestGoldenTest.inputs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void sarifValidatesAgainstTheSchema(String name) throws IOException {
        String file = name.equals("all")
                ? ManifestGoldenTest.IN.toString()
                : ManifestGoldenTest.IN.resolve(name).toString();
        JsonNode sarif =
                JSON.readTree(CliRun.of("audit", "-o", "sarif", "-f", file).out());
        Set<ValidationMessage> errors = sarifSchema().validate(sarif);
        assertTrue(errors.isEmpty(), errors.toString());
    }

    /** The official OASIS schema, fetched by {@code tests-e2e/install-deps.sh} (the test command runs it first). */
    static final Path OFFICIAL_SCHEMA = Path.of("tests-e2e/.cache/sarif-2.1.0-rtm.5.json");

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void sarifValidatesAgainstTheOfficialSchema(String name) throws IOException {
        Assumptions.assumeTrue(
                Files.exists(OFFICIAL_SCHEMA), "run tests-e2e/install-deps.sh to fetch " + OFFICIAL_SCHEMA);
        String file = name.equals("all")
                ? ManifestGoldenTest.IN.toString()
                : ManifestGoldenTest.IN.resolve(name).toString();
        JsonNode sarif =
                JSON.readTree(CliRun.of("audit", "-o", "sarif", "-f", file).out());
        Set<ValidationMessage> errors = officialSchema().validate(sarif);
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void theOfficialSchemaCatchesWhatItMust() throws IOException {
        Assumptions.assumeTrue(
                Files.exists(OFFICIAL_SCHEMA), "run tests-e2e/install-deps.sh to fetch " + OFFICIAL_SCHEMA);
        JsonNode sarif = JSON.readTree(
                CliRun.of("audit", "-o", "sarif", "-f", DEPLOYMENT).out());
        ((ObjectNode) sarif.at("/runs/0/results/0")).put("level", "info");
        assertFalse(officialSchema().validate(sarif).isEmpty(), "a level outside the SARIF enum must fail");
    }

    private static JsonSchema officialSchema() throws IOException {
        try (InputStream in = Files.newInputStream(OFFICIAL_SCHEMA)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    @Test
    void theSchemaCatchesWhatItMust() throws IOException {
        JsonNode sarif = JSON.readTree(
                CliRun.of("audit", "-o", "sarif", "-f", DEPLOYMENT).out());
        ((ObjectNode) sarif.at("/runs/0/results/0")).put("level", "info");
        assertFalse(sarifSchema().validate(sarif).isEmpty(), "a level outside the SARIF enum must fail");
    }

    @Test
    void sarifLevelsRulesAndLocations() throws IOException {
        JsonNode run = JSON.readTree(CliRun.of("audit", "-o", "sarif", "-f", ManifestGoldenTest.IN.toString())
                        .out())
                .at("/runs/0");
        assertEquals("pid1-injector", run.at("/tool/driver/name").asText());
        JsonNode rules = run.at("/tool/driver/rules");
        for (JsonNode result : run.get("results")) {
            assertEquals(
                    result.get("ruleId"),
                    rules.get(result.get("ruleIndex").asInt()).get("id"));
            assertTrue(
                    result.at("/locations/0/physicalLocation/artifactLocation/uri")
                            .asText()
                            .startsWith("src/test/resources/cli/in/"),
                    result.toString());
        }
        List<String> levels = run.get("results").findValuesAsText("level");
        assertTrue(levels.contains("note") && levels.contains("warning"), levels.toString());
    }

    @Test
    void findingsPointAtTheLineOfTheirContainer() throws IOException {
        JsonNode audit = JSON.readTree(CliRun.of("audit", "-o", "json", "-f", ManifestGoldenTest.IN.toString())
                .out());
        for (JsonNode finding : audit.get("findings")) {
            String container = finding.get("container").asText(null);
            if (container == null) {
                continue;
            }
            String line = Files.readAllLines(Path.of(finding.get("file").asText()))
                    .get(finding.get("line").asInt() - 1);
            assertTrue(
                    line.matches("\\s*(- )?\\{?\"?name\"?\\s*:\\s*\"?" + container + "\"?,?.*"),
                    finding + " points at: " + line);
        }
    }

    @Test
    void failOnFindingExitsOneOnlyWhenSomethingIsFound() {
        assertEquals(
                1, CliRun.of("audit", "--fail-on", "finding", "-f", DEPLOYMENT).exit());
        assertEquals(0, CliRun.of("audit", "-f", DEPLOYMENT).exit());
        String clean = ManifestGoldenTest.IN.resolve("comments.yaml").toString();
        CliRun none = CliRun.of("audit", "--fail-on", "finding", "-f", clean);
        assertEquals(0, none.exit(), none.err());
        assertTrue(
                none.out()
                        .endsWith("0 findings in 0 workloads (0 would be fixed); 1 workload in 2 documents read: "
                                + "0 fixed, 0 fine, 1 not-master-worker, 0 not-understood, 0 not-analysed; 1 container: 0 fixed, "
                                + "0 fine, 1 not-master-worker, 0 not-understood\n"),
                none.out());
    }

    @Test
    void tableSummarisesFindingsWorkloadsAndFixes() {
        String table = CliRun.of("audit", "-f", DEPLOYMENT).out();
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).startsWith("FILE:LINE"), table);
        int column = lines.get(0).indexOf("FINDING");
        lines.subList(1, lines.indexOf("")).forEach(l -> assertEquals("pid1:", l.substring(column, column + 5), table));
        assertTrue(lines.get(lines.indexOf("") + 1).startsWith("FILE:LINE"), "then the containers' outcomes");
        assertEquals(
                "5 findings in 1 workload (5 would be fixed); 1 workload in 1 document read: 0 fixed, 0 fine, "
                        + "0 not-master-worker, 1 not-understood, 0 not-analysed; 2 containers: 1 fixed, 0 fine, "
                        + "0 not-master-worker, 1 not-understood",
                lines.get(lines.size() - 1));
    }

    @Test
    void progressLineOnlyOnATerminalAndOnlyForManyDocuments() {
        String many = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n".repeat(301);
        CliRun terminal = CliRun.with(many, true, "audit", "-f", "-");
        assertTrue(terminal.err().contains("analysed 301/301 documents"), terminal.err());
        assertEquals("", CliRun.with(many, false, "audit", "-f", "-").err(), "quiet when piped");
        String few = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n".repeat(300);
        assertEquals("", CliRun.with(few, true, "audit", "-f", "-").err(), "quiet for a few documents");
    }

    @Test
    void catalogFileAddsServers(@TempDir Path dir) throws IOException {
        Path catalog = dir.resolve("extra.yaml");
        Files.writeString(
                catalog,
                "servers:\n  - name: openresty\n    executables: [openresty]\n"
                        + "    gracefulSignal: SIGQUIT\n    defaultPort: 8080\n    http: true\n");
        String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                + "spec: {containers: [{name: edge, image: x, command: [openresty, -g, 'daemon off;']}]}\n";
        assertTrue(CliRun.with(pod, false, "audit", "-f", "-")
                .out()
                .endsWith("0 findings in 0 workloads (0 would be "
                        + "fixed); 1 workload in 1 document read: 0 fixed, 0 fine, 1 not-master-worker, 0 not-understood, "
                        + "0 not-analysed; 1 container: 0 fixed, 0 fine, 1 not-master-worker, 0 not-understood\n"));
        CliRun withCatalog = CliRun.with(pod, false, "audit", "-o", "json", "--catalog", catalog.toString(), "-f", "-");
        assertEquals(
                "openresty",
                JSON.readTree(withCatalog.out()).at("/workloads/0/servers/edge").asText(),
                withCatalog.err());
    }

    private static JsonSchema sarifSchema() throws IOException {
        try (InputStream schema = AuditTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0-subset.json")) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    .build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema, config);
        }
    }
}
