package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar started as the Deployment starts it ({@code serve}, no other argument) answers reviews
 * without ever loading picocli: its command model cost 150 ms of the start's main thread (bench/README.md,
 * "The webhook in the image"), and fails as picocli's path did: one line on stderr, exit 2. The classes loaded
 * are those {@code -Xlog:class+load} names in the output.
 */
@Timeout(value = 120)
class BareServeIT {

    @Test
    void theDeploymentsServeAnswersWithoutLoadingPicocli() throws Exception {
        try (PackagedServer server = new PackagedServer("-Xlog:class+load=info:stdout")) {
            server.awaitFirstAnswer();
            String output = server.output();
            assertTrue(output.contains(" io.pid1.injector.cli.ServeCommand "), output);
            List<String> picocli =
                    output.lines().filter(BareServeIT::picocliModel).toList();
            assertEquals(List.of(), picocli, "picocli's command model was built");
        }
    }

    @Test
    void aBareServeWithABadSettingSaysWhyInOneLineAndExitsTwo() throws Exception {
        try (PackagedServer server = new PackagedServer(Map.of("PID1_SHUTDOWN_DELAY", "soon"))) {
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), server.output());
            assertEquals(2, server.process.exitValue(), server.output());
            List<String> lines = server.output()
                    .lines()
                    .filter(line -> line.startsWith("pid1-injector: "))
                    .toList();
            assertEquals(1, lines.size(), server.output());
            assertTrue(lines.get(0).contains("soon"), lines.get(0));
        }
    }

    /**
     * The Secret's files are read and checked beside Quarkus's boot ({@code EarlyTlsFiles}); a key of another
     * certificate still stops the start, naming why.
     */
    @Test
    void aKeyOfAnotherCertificateStopsTheStartNamingWhy(@TempDir Path secret) throws Exception {
        Certificates.create("pid1-injector", "pid1-system").writeTo(secret);
        Files.writeString(
                secret.resolve(TlsMaterial.KEY_FILE),
                Certificates.create("pid1-injector", "pid1-system").keyPem());
        Map<String, String> files = Map.of(
                "PID1_TLS_CERT_FILE", secret.resolve(TlsMaterial.CERT_FILE).toString(),
                "PID1_TLS_KEY_FILE", secret.resolve(TlsMaterial.KEY_FILE).toString());
        try (PackagedServer server = new PackagedServer(files)) {
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), server.output());
            assertNotEquals(0, server.process.exitValue(), server.output());
            assertTrue(server.output().contains("pid1: tls.key is not the key of tls.crt"), server.output());
        }
    }

    /**
     * A line of {@code -Xlog:class+load} for picocli's command line or its model. Without a CDS archive the verifier
     * of {@code Main} loads two of picocli's exceptions, which cost nothing.
     */
    private static boolean picocliModel(String line) {
        return line.contains(" picocli.CommandLine ") || line.contains(" picocli.CommandLine$Model");
    }
}
