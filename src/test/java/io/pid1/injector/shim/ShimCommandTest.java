package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code pid1-injector shim} as a process: bad configuration is exit 2 with one line, a stop is exit 0. */
class ShimCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String err) {}

    private Run run(String environmentConfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pid1.injector.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("PID1_SHIM_CONFIG");
        if (environmentConfig != null) {
            builder.environment().put("PID1_SHIM_CONFIG", environmentConfig);
        }
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the shim gave up at once");
        return new Run(
                process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'' | pid1-injector: shim needs --config FILE or PID1_SHIM_CONFIG",
                "{\"containers\": []} | pid1-injector: shim config needs a non-empty \"containers\" array",
                "{\"containers\": [{\"name\": \"w\", \"argv\": [\"x\"], \"gracefulSignal\": \"TREM\"}]} | pid1-injector: container \"w\": unknown signal \"TREM\"",
            })
    void aBadConfigurationInTheEnvironmentIsExit2WithOneLine(String config, String line) throws Exception {
        Run run = run(config.isEmpty() ? null : config, "shim");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith(line), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aBadConfigurationFileIsExit2WithOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("shim.json"), "{\"containers\": [{\"name\": \"w\"}]}");
        Run run = run(null, "shim", "--config", file.toString());
        assertEquals(2, run.exit());
        assertEquals("pid1-injector: container \"w\" needs a non-empty \"argv\"\n", run.err());
    }

    @Test
    void aShimStartedAsRootWarnsAndStillStopsWithExit0() throws Exception {
        assumeTrue(PidNamespace.root(), "only root sees the warning");
        List<String> command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pid1.injector.cli.Main",
                "shim");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment()
                .put(
                        "PID1_SHIM_CONFIG",
                        "{\"host\": \"127.0.0.1\", \"port\": 0, \"drainToken\": " + "\"" + PidNamespace.DRAIN_TOKEN
                                + "\", \"containers\": [{\"name\": \"w\", \"argv\": [\"x\"]}]}");
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line = out.readLine();
        while (line != null && !line.startsWith("pid1-shim: serving on")) {
            lines.add(line);
            line = out.readLine();
        }
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertTrue(
                lines.contains("pid1-shim: running as root, which the webhook never asks for: "
                        + "give the shim the app's non-root UID"),
                String.join("\n", lines));
    }

    @Test
    void theShimIsListedAmongTheCommands() throws Exception {
        List<String> command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pid1.injector.cli.Main",
                "--help");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(help.contains("shim") && help.contains("worker-aware health"), help);
    }
}
