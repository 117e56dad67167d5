package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} has the JDK seal a key put into an in-memory PKCS#12 store with one PBKDF2 round, not
 * 10,000: the store Vert.x makes from the PEM files never leaves memory. openssl reads the rounds back.
 */
class InMemoryKeyStoreTest {

    private static final char[] PASSWORD = "any".toCharArray();

    @TempDir
    Path dir;

    private String saved;

    @BeforeEach
    void clear() {
        saved = System.clearProperty(ServeCommand.KEY_PBE_ITERATIONS);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(ServeCommand.KEY_PBE_ITERATIONS);
        } else {
            System.setProperty(ServeCommand.KEY_PBE_ITERATIONS, saved);
        }
    }

    @Test
    void aKeyIsSealedWithTenThousandRoundsByDefaultAndOneUnderServe() throws Exception {
        assertTrue(keyBag().contains("Iteration 10000"), keyBag());

        ServeCommand.inMemoryKeyStoresUnsealed();

        assertEquals("1", System.getProperty(ServeCommand.KEY_PBE_ITERATIONS));
        assertTrue(keyBag().contains("Iteration 1,"), keyBag());
    }

    @Test
    void aRoundCountTheOperatorSetIsKept() {
        System.setProperty(ServeCommand.KEY_PBE_ITERATIONS, "2048");

        ServeCommand.inMemoryKeyStoresUnsealed();

        assertEquals("2048", System.getProperty(ServeCommand.KEY_PBE_ITERATIONS));
    }

    /** openssl's line on the key bag of a PKCS#12 store holding a fresh serving key. */
    private String keyBag() throws Exception {
        TlsMaterial material = Certificates.create("web", "ns");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("serving", material.key(), PASSWORD, new Certificate[] {material.certificate()});
        Path file = dir.resolve("store.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "pkcs12",
                        "-info",
                        "-nokeys",
                        "-nocerts",
                        "-in",
                        file.toString(),
                        "-passin",
                        "pass:" + new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl ends");
        assertEquals(0, openssl.exitValue(), output);
        return output.lines()
                .filter(line -> line.startsWith("Shrouded Keybag"))
                .findFirst()
                .orElse(output);
    }
}
