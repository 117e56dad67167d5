package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code mutate}: idempotent, untouched documents byte for byte, stdin, kubectl-readable streams. */
class MutateTest {

    static List<String> inputs() throws IOException {
        return ManifestGoldenTest.inputs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void mutatingTheOutputAgainChangesNothing(String name) {
        String once = CliRun.of("mutate", "-f", input(name)).out();
        CliRun twice = CliRun.with(once, false, "mutate", "-f", "-");
        assertEquals(0, twice.exit(), twice.err());
        assertEquals(once, twice.out());
    }

    @Test
    void documentsWithNothingToFixComeOutByteForByte() throws IOException {
        String out = CliRun.of("mutate", "-f", input("multi-doc.yaml")).out();
        String in = Files.readString(ManifestGoldenTest.IN.resolve("multi-doc.yaml"), StandardCharsets.UTF_8);
        String service = in.substring(
                in.indexOf("# Source: shop/templates/service.yaml"), in.indexOf("--- # Source: shop/templates/web"));
        assertTrue(out.contains(service), "Service, ConfigMap and the audit-only Deployment verbatim:\n" + out);
        assertTrue(out.startsWith(in.substring(0, in.indexOf("# Source: shop/templates/service.yaml"))), out);
        assertTrue(out.contains("--- # Source: shop/templates/web.yaml\n"), "the marker line keeps its comment");
        assertEquals(
                Files.readString(ManifestGoldenTest.IN.resolve("comments.yaml"), StandardCharsets.UTF_8),
                CliRun.of("mutate", "-f", input("comments.yaml")).out());
    }

    @Test
    void aFixedWorkloadIsRewrittenAndItsHeaderCommentsKept() {
        String out =
                CliRun.of("mutate", "-f", input("deployment-gunicorn.yaml")).out();
        assertTrue(out.startsWith("# Shop web front end"), out);
        assertTrue(out.contains("- /.pid1/tini\n"), out);
        assertTrue(
                out.contains("value: \"2024-01-01\"") && out.contains("value: \"1e3\""),
                "strings a YAML 1.1 reader would take for a date or a number stay quoted:\n" + out);
        assertTrue(out.contains("defaultMode: 420"), "0644 is octal in YAML 1.1, as kubectl reads it");
    }

    @Test
    void readsStdinAndDirectoriesInSortedOrder() throws IOException {
        String fromDir =
                CliRun.of("mutate", "-f", ManifestGoldenTest.IN.toString()).out();
        StringBuilder oneByOne = new StringBuilder();
        for (String name : ManifestGoldenTest.inputs().stream()
                .filter(n -> !n.equals("all"))
                .toList()) {
            String text = Files.readString(ManifestGoldenTest.IN.resolve(name), StandardCharsets.UTF_8);
            oneByOne.append(CliRun.with(text, false, "mutate", "-f", "-").out());
        }
        assertNotEquals("", fromDir);
        assertEquals(fromDir.replace("---\n", ""), oneByOne.toString().replace("---\n", ""));
    }

    @Test
    void aStreamThatWouldStartWithJsonStartsWithAMarkerSoKubectlReadsItAsYaml() {
        String json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n";
        Path file = ManifestGoldenTest.IN.resolve("pod.json");
        CliRun run = CliRun.with(json, false, "mutate", "-f", "-", "-f", file.toString());
        assertTrue(run.out().startsWith("---\n" + json + "---\n"), run.out());
        assertEquals(json, CliRun.with(json, false, "mutate", "-f", "-").out(), "one JSON document stays JSON");
    }

    @Test
    void aKindThatIsNoWorkloadPassesThrough() {
        String crd = "apiVersion: example.io/v1\nkind: Deployment\nmetadata: {name: not-apps}\n"
                + "spec: {template: {spec: {containers: [{name: a, image: x, command: [gunicorn, app]}]}}}\n";
        String widget = "apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w}\n";
        CliRun run = CliRun.with(crd + "---\n" + widget, false, "mutate", "-f", "-", "--offline");
        assertEquals(0, run.exit(), run.err());
        assertEquals(crd + "---\n" + widget, run.out());
    }

    private static String input(String name) {
        return name.equals("all")
                ? ManifestGoldenTest.IN.toString()
                : ManifestGoldenTest.IN.resolve(name).toString();
    }
}
