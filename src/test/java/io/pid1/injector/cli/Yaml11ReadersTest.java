package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mutate}'s output as kubectl reads it: a YAML 1.1 reader (Debian's PyYAML, as go-yaml
 * under kubectl) must see exactly the documents we wrote, and kubectl itself, where installed,
 * must accept the stream offline ({@code kubectl label --local}).
 */
class Yaml11ReadersTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String LOAD_ALL = "import sys, json, yaml\n"
            + "docs = [d for d in yaml.safe_load_all(sys.stdin) if d is not None]\n"
            + "print(json.dumps(docs, default=lambda o: {'not JSON': repr(o)}))\n";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<String> inputs() throws IOException {
        return ManifestGoldenTest.inputs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void aYaml11ReaderSeesTheDocumentsWeWrote(String name) throws Exception {
        assumeTrue(
                Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import yaml"), "").exit == 0,
                "Debian's python3-yaml is not installed");
        String out = CliRun.of("mutate", "-f", input(name)).out();
        Result python = run(List.of(PYTHON.toString(), "-c", LOAD_ALL), out);
        assertEquals(0, python.exit, python.text);
        List<JsonNode> ours = new ArrayList<>();
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(out).forEachRemaining(n -> {
            if (n != null && !n.isNull() && !n.isMissingNode()) {
                ours.add(n);
            }
        });
        assertEquals(new ObjectMapper().valueToTree(ours), new ObjectMapper().readTree(python.text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void kubectlAcceptsTheStream(String name) throws Exception {
        assumeTrue(run(List.of("sh", "-c", "command -v kubectl"), "").exit == 0, "kubectl is not installed");
        String out = CliRun.of("mutate", "-f", input(name)).out();
        Result kubectl = run(List.of("kubectl", "label", "--local", "-f", "-", "-o", "name", "pid1-check=yes"), out);
        assertEquals(0, kubectl.exit, kubectl.text);
        assertTrue(!kubectl.text.isBlank(), "kubectl read no object");
    }

    private record Result(int exit, String text) {}

    private static Result run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(process.exitValue(), text);
    }

    private static String input(String name) {
        return name.equals("all")
                ? ManifestGoldenTest.IN.toString()
                : ManifestGoldenTest.IN.resolve(name).toString();
    }
}
