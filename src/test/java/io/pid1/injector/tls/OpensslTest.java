package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written files as the {@code openssl} command sees them; skipped where it is not installed. */
class OpensslTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeFiles() throws Exception {
        assumeTrue(openssl("version").exitCode() == 0, "openssl is not installed");
        Certificates.create("web", "ns").writeTo(dir);
    }

    @Test
    void verifiesTheServingCertificateAgainstTheCa() throws Exception {
        Openssl.Result result = openssl("verify", "-CAfile", file("ca.crt"), file("tls.crt"));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("tls.crt: OK"), result.output());
    }

    @Test
    void verifiesAsAServerCertificateForTheServiceName() throws Exception {
        Openssl.Result result = openssl(
                "verify",
                "-purpose",
                "sslserver",
                "-verify_hostname",
                "web.ns.svc",
                "-CAfile",
                file("ca.crt"),
                file("tls.crt"));
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void doesNotVerifyAgainstAnotherCa() throws Exception {
        Path other = dir.resolve("other");
        Certificates.create("web", "ns").writeTo(other);
        Openssl.Result result =
                openssl("verify", "-CAfile", other.resolve("ca.crt").toString(), file("tls.crt"));
        assertNotEquals(0, result.exitCode(), result.output());
    }

    @Test
    void readsTheServingCertificate() throws Exception {
        Openssl.Result result = openssl("x509", "-noout", "-text", "-in", file("tls.crt"));
        assertEquals(0, result.exitCode(), result.output());
        for (String expected : List.of(
                "DNS:localhost",
                "IP Address:127.0.0.1",
                "IP Address:0:0:0:0:0:0:0:1",
                "DNS:web.ns.svc.cluster.local",
                "CA:FALSE",
                "TLS Web Server Authentication",
                "Digital Signature",
                "Issuer: CN = pid1-injector CA",
                "prime256v1")) {
            assertTrue(result.output().contains(expected), expected + " in\n" + result.output());
        }
    }

    @Test
    void readsTheCaCertificate() throws Exception {
        Openssl.Result result = openssl("x509", "-noout", "-text", "-in", file("ca.crt"));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("CA:TRUE"), result.output());
        assertTrue(result.output().contains("Certificate Sign, CRL Sign"), result.output());
    }

    @Test
    void keyBelongsToTheServingCertificate() throws Exception {
        Openssl.Result fromKey = openssl("pkey", "-in", file("tls.key"), "-pubout");
        Openssl.Result fromCert = openssl("x509", "-in", file("tls.crt"), "-noout", "-pubkey");
        assertEquals(0, fromKey.exitCode(), fromKey.output());
        assertTrue(fromKey.output().contains("BEGIN PUBLIC KEY"), fromKey.output());
        assertEquals(fromCert.output(), fromKey.output());
    }

    @Test
    void traditionalEcKeyFormatReadsAsTheSameKey() throws Exception {
        Path traditional = dir.resolve("traditional.key");
        Openssl.Result result = openssl("pkey", "-traditional", "-in", file("tls.key"), "-out", traditional.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(Files.readString(traditional).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertEquals(
                ((ECPrivateKey) Pem.readPrivateKey(dir.resolve("tls.key"))).getS(),
                ((ECPrivateKey) Pem.readPrivateKey(traditional)).getS());
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static Openssl.Result openssl(String... arguments) throws InterruptedException {
        return Openssl.run(Path.of("."), List.of(arguments));
    }
}
