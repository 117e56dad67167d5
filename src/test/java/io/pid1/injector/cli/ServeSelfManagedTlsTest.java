package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with {@code pid1.tls.auto=true} fails fast, before Quarkus boots: one line and exit 2
 * (the failure code of docs/reference.md), so that the Deployment's restart backoff shows the problem.
 * The success path is covered against a mock API server in {@code AutoTlsTest}.
 */
class ServeSelfManagedTlsTest {

    private final Map<String, String> saved = new HashMap<>();

    @TempDir
    Path dir;

    private void set(String property, String value) {
        saved.putIfAbsent(property, System.getProperty(property));
        System.setProperty(property, value);
    }

    /** {@code serve} sets this one itself, before it could fail. */
    @BeforeEach
    void keep() {
        saved.put(ServeCommand.KEY_PBE_ITERATIONS, System.getProperty(ServeCommand.KEY_PBE_ITERATIONS));
    }

    @AfterEach
    void restore() {
        saved.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void unreachableApiServerIsOneLineAndExitTwo() throws IOException {
        String master = "https://127.0.0.1:" + closedPort() + "/";
        set("pid1.tls.auto", "true");
        set("pid1.tls.dir", dir.toString());
        set("pid1.namespace", "pid1-system");
        set("kubernetes.master", master);
        set("kubernetes.auth.tryKubeConfig", "false");
        set("kubernetes.auth.tryServiceAccount", "false");

        long started = System.nanoTime();
        CliRun run = CliRun.of("serve");

        assertEquals(Main.USAGE, run.exit(), run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(
                lines.get(0)
                        .startsWith("pid1-injector: self-managed TLS failed: cannot reach the API server at " + master
                                + ": "),
                lines.get(0));
        assertTrue(lines.get(0).contains("Exception"), "the cause is named: " + lines.get(0));
        assertTrue(System.nanoTime() - started < 15_000_000_000L, "fails within seconds");
        assertTrue(Files.notExists(dir.resolve("tls.key")), "nothing is served without the shared Secret");
    }

    @Test
    void selfManagedTlsExcludesGivenFiles() {
        set("pid1.tls.auto", "true");
        set("pid1.tls.cert-file", dir.resolve("tls.crt").toString());
        set("pid1.tls.key-file", dir.resolve("tls.key").toString());

        CliRun run = CliRun.of("serve");

        assertEquals(Main.USAGE, run.exit());
        assertEquals(
                "pid1-injector: PID1_TLS_AUTO=true makes its own certificate: unset PID1_TLS_CERT_FILE and "
                        + "PID1_TLS_KEY_FILE",
                run.err().strip());
    }
}
