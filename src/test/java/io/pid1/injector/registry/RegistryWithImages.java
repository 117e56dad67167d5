package io.pid1.injector.registry;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real registry on loopback for a Quarkus test of the webhook: {@code shop:v1} runs gunicorn from its
 * CMD, {@code wrapped:v1} through an entrypoint script, {@code shell:v1} from a shell-form CMD. The webhook is configured to look images up there.
 */
public class RegistryWithImages implements QuarkusTestResourceLifecycleManager {

    /** {@code 127.0.0.1:port} of the running registry. */
    public static volatile String host;

    private TestRegistry registry;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("pid1-registry-webhook");
            registry = TestRegistry.start(Files.createDirectory(dir.resolve("registry")), "");
            registry.push(
                    OciLayoutWriter.image(
                            dir.resolve("shop"),
                            "amd64",
                            Map.of("Cmd", List.of("gunicorn", "shop.wsgi", "-w", "4", "-b", "0.0.0.0:8000"))),
                    "shop:v1",
                    false,
                    Optional.empty());
            registry.push(
                    OciLayoutWriter.image(
                            dir.resolve("wrapped"),
                            "amd64",
                            Map.of(
                                    "Entrypoint", List.of("/usr/local/bin/docker-entrypoint.sh"),
                                    "Cmd", List.of("gunicorn", "shop.wsgi", "-b", "0.0.0.0:8000"))),
                    "wrapped:v1",
                    false,
                    Optional.empty());
            registry.push(
                    OciLayoutWriter.image(
                            dir.resolve("shell"),
                            "amd64",
                            Map.of(
                                    "Cmd",
                                    List.of("/bin/sh", "-c", "gunicorn shop.wsgi -b 0.0.0.0:8000"),
                                    "WorkingDir",
                                    "/srv")),
                    "shell:v1",
                    false,
                    Optional.empty());
            host = registry.host();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of(
                "pid1.registry.lookup", "true", "pid1.registry.insecure", host, "pid1.registry.allow-internal", host);
    }

    @Override
    public void stop() {
        registry.close();
    }
}
