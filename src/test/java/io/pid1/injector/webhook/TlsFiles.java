package io.pid1.injector.webhook;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gives the server under test a CA and serving certificate made by the project, in a fresh
 * directory; tests trust only that CA.
 */
public class TlsFiles implements QuarkusTestResourceLifecycleManager {

    /** Where the current test run's material lives (one Quarkus boot at a time). */
    static volatile Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("pid1-tls-test");
            Certificates.create("pid1-injector", "pid1-system").writeTo(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "pid1.tls.cert-file", dir.resolve(TlsMaterial.CERT_FILE).toString(),
                "pid1.tls.key-file", dir.resolve(TlsMaterial.KEY_FILE).toString());
    }

    @Override
    public void stop() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
