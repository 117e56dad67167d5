package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} checks its self-signed files at every start. Reusing them must load no BouncyCastle
 * class: its jars are signed, and verifying them cost a fifth of a second of each start. Each case runs
 * {@link Certificates#ensure} in a fresh JVM that lists the classes it loads.
 */
class ReuseWithoutBouncyCastleTest {

    @TempDir
    Path dir;

    /** What one fresh JVM did: the line it printed and the BouncyCastle classes it loaded. */
    private record Run(String said, List<String> bouncyCastle) {}

    @Test
    void reusingTheFilesLoadsNoBouncyCastleClassWhileMakingThemDoes() throws Exception {
        Run making = ensureInFreshJvm();
        assertEquals("created", making.said());
        assertTrue(!making.bouncyCastle().isEmpty(), "the class list shows BouncyCastle when it is used");

        Run reusing = ensureInFreshJvm();
        assertEquals("reused", reusing.said());
        assertEquals(List.of(), reusing.bouncyCastle());
    }

    @Test
    void aTraditionalKeyIsStillReadThroughBouncyCastle() throws Exception {
        TlsMaterial material = Certificates.create("web", "ns");
        material.writeTo(dir);
        Path traditional = dir.resolve("traditional.key");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "pkey",
                        "-traditional",
                        "-in",
                        dir.resolve("tls.key").toString(),
                        "-out",
                        traditional.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(
                openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0,
                new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Files.move(traditional, dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.readString(dir.resolve("tls.key")).startsWith("-----BEGIN EC PRIVATE KEY-----"));

        Run reusing = ensureInFreshJvm();
        assertEquals("reused", reusing.said());
        assertTrue(
                reusing.bouncyCastle().stream().anyMatch(name -> name.startsWith("org.bouncycastle.openssl.")),
                reusing.bouncyCastle().toString());
    }

    private Run ensureInFreshJvm() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-Xshare:off",
                        "-Xlog:class+load=info:stdout:none",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM ends");
        assertEquals(0, process.exitValue(), String.join("\n", lines));
        return new Run(
                lines.stream()
                        .filter(line -> line.equals("created") || line.equals("reused"))
                        .findFirst()
                        .orElse(""),
                lines.stream()
                        .map(line -> line.split(" ")[0])
                        .filter(name -> name.startsWith("org.bouncycastle."))
                        .toList());
    }

    /** The probe's main: ensures the material in the directory it is given and says whether it made it. */
    static final class Probe {

        public static void main(String[] args) throws IOException {
            System.out.println(
                    Certificates.ensure(Path.of(args[0]), "web", "ns").created() ? "created" : "reused");
        }
    }
}
