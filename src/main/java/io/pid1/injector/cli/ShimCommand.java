package io.pid1.injector.cli;

import io.pid1.injector.shim.Shim;
import io.pid1.injector.shim.ShimConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code shim}: the init shim that runs as the pod's {@code pid1-shim} sidecar. Plain Java, no
 * Quarkus: worker-aware health and drain endpoints for the containers of its configuration.
 */
@Command(name = "shim", mixinStandardHelpOptions = true,
        description = "Run the init shim: worker-aware health and drain for the pod's containers.")
final class ShimCommand implements Callable<Integer> {

    static final String CONFIG_VARIABLE = "PID1_SHIM_CONFIG";

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON configuration (default: the " + CONFIG_VARIABLE + " environment variable).")
    Path config;

    @Option(names = "--grace-seconds", paramLabel = "SECONDS",
            description = "How long SIGTERM waits for drains in progress (default: the longest drain configured).")
    Double graceSeconds;

    @Override
    public Integer call() throws Exception {
        String json = config != null ? Files.readString(config, StandardCharsets.UTF_8) : System.getenv(CONFIG_VARIABLE);
        if (json == null || json.isBlank()) {
            System.err.println("pid1-injector: shim needs --config FILE or " + CONFIG_VARIABLE);
            return Main.USAGE;
        }
        ShimConfig parsed = ShimConfig.parse(json);
        Duration grace = graceSeconds == null ? parsed.longestDrain() : Duration.ofMillis(Math.round(graceSeconds * 1000));
        return Shim.run(parsed, grace);
    }
}
