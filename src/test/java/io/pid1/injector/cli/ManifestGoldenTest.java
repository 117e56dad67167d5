package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for {@code mutate} and {@code audit} over the real-world-style manifests in
 * {@code src/test/resources/cli/in}: for each input {@code X}, {@code expected/X.out.yaml}
 * (mutate; {@code X.out.err.txt} its stderr when not empty), {@code X.table.txt}, {@code X.audit.json} and
 * {@code X.sarif.json} (audit), and the
 * same for the whole folder as {@code all.*}. Run with {@code -Dgolden.update=true} to rewrite
 * the expected files, then read the diff.
 */
class ManifestGoldenTest {

    static final Path IN = Path.of("src/test/resources/cli/in");
    static final Path EXPECTED = Path.of("src/test/resources/cli/expected");

    static List<String> inputs() throws IOException {
        try (Stream<Path> files = Files.list(IN)) {
            List<String> names = new ArrayList<>(
                    files.map(f -> f.getFileName().toString()).sorted().toList());
            names.add("all");
            return names;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String name : inputs()) {
            cases.add(Arguments.of(name, ".out.yaml", List.of("mutate")));
            cases.add(Arguments.of(name, ".table.txt", List.of("audit")));
            cases.add(Arguments.of(name, ".audit.json", List.of("audit", "-o", "json")));
            cases.add(Arguments.of(name, ".sarif.json", List.of("audit", "-o", "sarif")));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}{1}")
    @MethodSource("cases")
    void outputMatchesGoldenFile(String name, String suffix, List<String> command) throws IOException {
        List<String> args = new ArrayList<>(command);
        args.add("-f");
        args.add(name.equals("all") ? IN.toString() : IN.resolve(name).toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), "exit code");
        Path expected = EXPECTED.resolve(name + suffix);
        Path expectedErr = EXPECTED.resolve(name + suffix.replace(".yaml", ".err.txt"));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, run.out(), StandardCharsets.UTF_8);
            if (!run.err().isEmpty()) {
                Files.writeString(expectedErr, run.err(), StandardCharsets.UTF_8);
            }
        }
        assertEquals(
                suffix.equals(".out.yaml") && Files.exists(expectedErr)
                        ? Files.readString(expectedErr, StandardCharsets.UTF_8)
                        : "",
                run.err(),
                "stderr");
        assertEquals(Files.readString(expected, StandardCharsets.UTF_8), run.out(), expected.toString());
    }
}
