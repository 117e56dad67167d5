package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pair {@link ServingFiles} serves as the files change, and what it logs. */
class ServingFilesTest {

    @TempDir
    Path dir;

    private final List<LogRecord> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            log.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private TlsMaterial first;
    private ServingFiles files;

    @BeforeEach
    void serveTheFirstPair() throws Exception {
        Logger.getLogger("pid1.tls").addHandler(capture);
        first = Certificates.create("web", "ns");
        first.writeTo(dir);
        files = ServingFiles.load(dir.resolve(TlsMaterial.CERT_FILE), dir.resolve(TlsMaterial.KEY_FILE), Instant.now());
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("pid1.tls").removeHandler(capture);
    }

    @Test
    void unchangedFilesLogNothing() {
        for (int i = 0; i < 5; i++) {
            files.check(Instant.now());
        }
        assertEquals(List.of(), lines());
        assertEquals(first.certificate(), served());
    }

    @Test
    void aCertificateWithoutItsKeyIsNotServedAndLoggedOnce() throws Exception {
        TlsMaterial next = Certificates.create("web", "ns");
        Files.writeString(dir.resolve(TlsMaterial.CERT_FILE), next.certificatePem());
        for (int i = 0; i < 3; i++) {
            files.check(Instant.now());
        }
        assertEquals(first.certificate(), served());
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(
                lines().get(0).startsWith("ERROR pid1: new TLS files not used (tls.key is not the key of tls.crt)"),
                lines().toString());

        Files.writeString(dir.resolve(TlsMaterial.KEY_FILE), next.keyPem());
        files.check(Instant.now());
        assertEquals(next.certificate(), served());
        assertEquals(2, lines().size(), lines().toString());
        assertTrue(lines().get(1).startsWith("INFO pid1: now serving the new certificate CN="), lines().toString());
    }

    @Test
    void anExpiredCertificateIsNotServed() throws Exception {
        Certificates.create("web", "ns").writeTo(dir);
        files.check(Instant.now().plus(Duration.ofDays(400)));
        assertEquals(first.certificate(), served());
        assertTrue(lines().get(0).contains("certificate 1 of tls.crt"), lines().toString());
    }

    @Test
    void aChainOutOfOrderIsNotServed() throws Exception {
        TlsMaterial next = Certificates.create("web", "ns");
        next.writeTo(dir);
        Files.writeString(dir.resolve(TlsMaterial.CERT_FILE), next.certificatePem() + first.caPem());
        files.check(Instant.now());
        assertEquals(first.certificate(), served());
        assertTrue(lines().get(0).contains("certificate 1 of tls.crt"), lines().toString());

        Files.writeString(dir.resolve(TlsMaterial.CERT_FILE), next.certificatePem() + next.caPem());
        files.check(Instant.now());
        assertEquals(next.certificate(), served());
    }

    @Test
    void aMissingFileAtStartStopsTheStartWithOneLine() throws Exception {
        Files.delete(dir.resolve(TlsMaterial.KEY_FILE));
        TlsFileException e = assertThrows(
                TlsFileException.class,
                () -> ServingFiles.load(
                        dir.resolve(TlsMaterial.CERT_FILE), dir.resolve(TlsMaterial.KEY_FILE), Instant.now()));
        assertEquals("tls.key: missing", e.getMessage());
    }

    @Test
    void aHandshakeThatChoseItsAliasBeforeASwapGetsAMatchingPair() throws Exception {
        ServingKeyManager keys = files.keyManager();
        String alias = keys.chooseEngineServerAlias("EC", null, null);
        TlsMaterial next = Certificates.create("web", "ns");
        next.writeTo(dir);
        files.check(Instant.now());
        assertEquals(first.certificate(), keys.getCertificateChain(alias)[0]);
        assertEquals(first.key(), keys.getPrivateKey(alias));
        String now = keys.chooseEngineServerAlias("EC_EC", null, null);
        assertEquals(next.certificate(), keys.getCertificateChain(now)[0]);
        assertEquals(next.key(), keys.getPrivateKey(now));
        assertEquals(null, keys.chooseEngineServerAlias("RSA", null, null));
    }

    private X509Certificate served() {
        return files.keyManager().serving().chain().get(0);
    }

    /** The records as "ERROR message" or "INFO message" (JBoss LogManager's levels, or the JDK's). */
    private List<String> lines() {
        return log.stream()
                .map(r -> (r.getLevel().intValue() >= Level.SEVERE.intValue() ? "ERROR " : "INFO ") + r.getMessage())
                .toList();
    }
}
