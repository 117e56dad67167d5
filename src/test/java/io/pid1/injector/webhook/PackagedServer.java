package io.pid1.injector.webhook;

import io.pid1.injector.testing.LoopbackPorts;
import io.pid1.injector.tls.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code pid1.jar}, set by failsafe) run as {@code java [JVM options] -jar}, on free
 * loopback ports, with its own self-signed TLS and its output in a log file; all in a temporary directory
 * that {@link #close()} deletes after stopping the process.
 */
final class PackagedServer implements AutoCloseable {

    final Process process;
    private final Path dir;
    private final Path log;
    final int port;
    final int managementPort;

    PackagedServer(String... jvmOptions) throws IOException {
        this(Map.of(), jvmOptions);
    }

    /** With {@code environment} added to the process's own (e.g. the Deployment's {@code JAVA_TOOL_OPTIONS}). */
    PackagedServer(Map<String, String> environment, String... jvmOptions) throws IOException {
        dir = Files.createTempDirectory("pid1-packaged");
        log = dir.resolve("server.log");
        port = LoopbackPorts.free();
        managementPort = LoopbackPorts.free();
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", System.getProperty("pid1.jar", "target/quarkus-app/quarkus-run.jar")));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment()
                .putAll(Map.of(
                        "PID1_WEBHOOK_PORT",
                        String.valueOf(port),
                        "PID1_MANAGEMENT_PORT",
                        String.valueOf(managementPort),
                        "PID1_LISTEN_HOST",
                        "127.0.0.1",
                        "PID1_TLS_DIR",
                        dir.resolve("tls").toString()));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    URI base() {
        return URI.create("https://localhost:" + port + "/");
    }

    Path ca() {
        return dir.resolve("tls").resolve(TlsMaterial.CA_FILE);
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Waits up to 60 s for the first answered review: the server is up and its CA written. */
    WebhookClient awaitFirstAnswer() throws Exception {
        String review =
                WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c")).toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (Files.exists(ca())) {
                    WebhookClient client = new WebhookClient(base(), ca());
                    if (client.post("mutate", review).statusCode() == 200) {
                        return client;
                    }
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server never answered a review; its output:\n" + output());
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
