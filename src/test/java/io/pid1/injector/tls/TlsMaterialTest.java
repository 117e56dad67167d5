package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @TempDir
    Path dir;

    private final TlsMaterial material = Certificates.create("web", "ns");

    @Test
    void writesThreePemFilesThatReadBackTheSame() throws Exception {
        material.writeTo(dir);

        assertEquals(List.of("ca.crt", "tls.crt", "tls.key"), fileNames(dir));
        assertTrue(Files.readString(dir.resolve("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        TlsMaterial read = TlsMaterial.readFrom(dir);
        assertEquals(material.ca(), read.ca());
        assertEquals(material.certificate(), read.certificate());
        assertEquals(material.key(), read.key());
    }

    @Test
    void servingCertificateFileHoldsTheLeafOnly() throws Exception {
        material.writeTo(dir);
        String pem = Files.readString(dir.resolve("tls.crt"));
        assertEquals(1, pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1);
        assertEquals(material.certificatePem(), pem);
    }

    @Test
    void keyIsReadableByItsOwnerOnly() throws Exception {
        material.writeTo(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.crt"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))));
    }

    @Test
    void replacesAnOlderSetAndCreatesMissingDirectories() throws Exception {
        Path nested = dir.resolve("a/b");
        Certificates.create("web", "ns").writeTo(nested);
        material.writeTo(nested);

        assertEquals(material.certificate(), TlsMaterial.readFrom(nested).certificate());
        assertEquals(List.of("ca.crt", "tls.crt", "tls.key"), fileNames(nested));
    }

    @Test
    void caBundleIsBase64OfTheCaPem() {
        String pem = new String(Base64.getDecoder().decode(material.caBundle()), StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertEquals(material.caPem(), pem);
    }

    private static List<String> fileNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
