package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pid1.injector.catalog.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One folder per case under {@code src/test/resources/golden}: {@code in.yaml} (a pod as a chart
 * writes it), optionally {@code image.yaml} (the image's ENTRYPOINT/CMD as a registry would say) or
 * {@code image-failure.txt} (why the registry could not say),
 * {@code out.yaml} (the pod after the patch), {@code warnings.txt} (the {@code pid1:} lines) and
 * {@code outcomes.txt} (one outcome per container).
 * Run with {@code -Dgolden.update=true} to rewrite the expected files, then read the diff.
 */
class GoldenTest {

    static final Path ROOT = Path.of("src/test/resources/golden");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Stands for the random drain token a {@code pid1-shim} pod gets, so that out.yaml is reproducible. */
    static final String DRAIN_TOKEN = "GoldenDrainToken-not-secret";

    static final PodFixer FIXER = new PodFixer(Catalog.builtin(), EngineSettings.defaults(), () -> DRAIN_TOKEN);

    /** A folder's name: its number (the lead moves them all to three digits), then words. */
    static final Pattern NAME = Pattern.compile("[0-9]{3}-[a-z0-9]+(-[a-z0-9]+)*");

    static final Set<String> REQUIRED = Set.of("in.yaml", "out.yaml", "warnings.txt", "outcomes.txt");
    static final Set<String> OPTIONAL = Set.of("image.yaml", "image-failure.txt");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs
                    .filter(d -> Files.exists(d.resolve("in.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** A folder the parameterised test would skip, or read only in part, is a mistake: say which. */
    @Test
    void everyFolderIsACaseTheTestReadsWhole() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> required = Boolean.getBoolean("golden.update") ? Set.of("in.yaml") : REQUIRED;
        try (Stream<Path> entries = Files.list(ROOT)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry)) {
                    problems.add(name + ": not a folder");
                    continue;
                }
                if (!NAME.matcher(name).matches()) {
                    problems.add(name + ": not named NNN-words");
                }
                try (Stream<Path> files = Files.list(entry)) {
                    Set<String> present =
                            files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
                    required.stream()
                            .filter(f -> !present.contains(f))
                            .sorted()
                            .forEach(f -> problems.add(name + ": no " + f));
                    present.stream()
                            .filter(f -> !REQUIRED.contains(f) && !OPTIONAL.contains(f))
                            .sorted()
                            .forEach(f -> problems.add(name + ": " + f + " is read by no test"));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patchTurnsInIntoOutAndSaysWarnings(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        JsonNode in = YAML.readTree(dir.resolve("in.yaml").toFile());
        Outcome outcome = FIXER.fix(in, images(dir, in));
        JsonNode out = JsonPatch.apply(outcome.patch(), in);
        List<String> warnings = outcome.findings().stream().map(Finding::line).toList();
        List<String> outcomes =
                outcome.containers().stream().map(ContainerOutcome::line).toList();
        Path outcomesFile = dir.resolve("outcomes.txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(outcomesFile, outcomes.isEmpty() ? "" : String.join("\n", outcomes) + "\n");
            YAML.writeValue(dir.resolve("out.yaml").toFile(), out);
            Files.writeString(
                    dir.resolve("warnings.txt"), warnings.isEmpty() ? "" : String.join("\n", warnings) + "\n");
        }
        assertEquals(YAML.readTree(dir.resolve("out.yaml").toFile()), out, "out.yaml");
        assertEquals(Files.readAllLines(dir.resolve("warnings.txt"), StandardCharsets.UTF_8), warnings, "warnings.txt");
        assertEquals(Files.readAllLines(outcomesFile, StandardCharsets.UTF_8), outcomes, "outcomes.txt");
        assertEquals(outcome.fixed(), out, "the patch must produce the pod the engine fixed");
        warnings.forEach(w -> assertTrue(w.startsWith("pid1: ") && w.length() < 120, w));

        Outcome again = FIXER.fix(out, images(dir, out));
        assertTrue(again.patch().isEmpty(), "a fixed pod must get no patch, got " + again.patch());
    }

    private static ImageFacts images(Path dir, JsonNode pod) throws IOException {
        String ref = pod.path("spec").path("containers").path(0).path("image").asText();
        Path failure = dir.resolve("image-failure.txt");
        if (Files.exists(failure)) {
            return new ImageFacts(
                    Map.of(), Map.of(ref, Files.readString(failure).strip()));
        }
        Path file = dir.resolve("image.yaml");
        if (!Files.exists(file)) {
            return ImageFacts.none();
        }
        JsonNode image = YAML.readTree(file.toFile());
        ImageConfig config = new ImageConfig(
                Json.strings(image.get("Entrypoint")).orElse(List.of()),
                Json.strings(image.get("Cmd")).orElse(List.of()),
                Json.text(image, "WorkingDir"),
                Map.of(),
                Json.text(image, "User"),
                Json.text(image, "StopSignal"),
                Json.text(image, "Digest"));
        return new ImageFacts(Map.of(ref, config), Map.of());
    }
}
