package io.pid1.injector.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsFileException;
import io.pid1.injector.tls.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving files read while Quarkus boots are the ones the HTTPS port gets, and fail as they did when read there. */
class EarlyTlsFilesTest {

    @TempDir
    Path dir;

    private Path cert() {
        return dir.resolve(TlsMaterial.CERT_FILE);
    }

    private Path key() {
        return dir.resolve(TlsMaterial.KEY_FILE);
    }

    @Test
    void thePairReadAheadIsTheOneServed() throws Exception {
        TlsMaterial material = Certificates.create("web", "ns");
        material.writeTo(dir);
        EarlyTlsFiles.start(cert(), key(), Optional.empty());
        EarlyTlsFiles.Loaded loaded = EarlyTlsFiles.take(cert(), key(), Optional.empty());
        assertEquals(
                material.certificate(),
                loaded.files().keyManager().serving().chain().get(0));
        assertTrue(loaded.clients().isEmpty());
    }

    @Test
    void aKeyOfAnotherCertificateFailsWithTheReasonOfAReadAtConfiguration() throws Exception {
        Certificates.create("web", "ns").writeTo(dir);
        Files.writeString(key(), Certificates.create("web", "ns").keyPem());
        EarlyTlsFiles.start(cert(), key(), Optional.empty());
        TlsFileException ahead =
                assertThrows(TlsFileException.class, () -> EarlyTlsFiles.take(cert(), key(), Optional.empty()));
        TlsFileException there =
                assertThrows(TlsFileException.class, () -> EarlyTlsFiles.take(cert(), key(), Optional.empty()));
        assertEquals("tls.key is not the key of tls.crt", ahead.getMessage());
        assertEquals(there.getMessage(), ahead.getMessage());
    }

    @Test
    void otherFilesThanThoseReadAheadAreReadWhenAskedFor() throws Exception {
        Certificates.create("web", "ns").writeTo(dir);
        Path other = Files.createDirectory(dir.resolve("other"));
        TlsMaterial otherMaterial = Certificates.create("web", "ns");
        otherMaterial.writeTo(other);
        EarlyTlsFiles.start(cert(), key(), Optional.empty());
        EarlyTlsFiles.Loaded loaded = EarlyTlsFiles.take(
                other.resolve(TlsMaterial.CERT_FILE), other.resolve(TlsMaterial.KEY_FILE), Optional.empty());
        assertEquals(
                otherMaterial.certificate(),
                loaded.files().keyManager().serving().chain().get(0));
    }
}
