package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificatesTest {

    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private final TlsMaterial material = Certificates.create("web", "ns");

    @Test
    void chainValidatesWithTheCaAsOnlyTrustAnchor() throws Exception {
        validate(material.certificate(), material.ca());
    }

    @Test
    void chainDoesNotValidateAgainstAnotherCa() {
        X509Certificate otherCa = Certificates.create("web", "ns").ca();
        assertThrows(CertPathValidatorException.class, () -> validate(material.certificate(), otherCa));
    }

    @Test
    void servingCertificateHoldsExactlyTheExpectedNames() throws Exception {
        Set<String> names = new HashSet<>();
        for (List<?> entry : material.certificate().getSubjectAlternativeNames()) {
            names.add(entry.get(0) + ":" + entry.get(1));
        }
        assertEquals(
                Set.of(
                        "2:localhost",
                        "7:127.0.0.1",
                        "7:0:0:0:0:0:0:0:1",
                        "2:web",
                        "2:web.ns",
                        "2:web.ns.svc",
                        "2:web.ns.svc.cluster.local"),
                names);
    }

    @Test
    void caIsACriticalCaThatSignsCertificatesOnly() {
        X509Certificate ca = material.ca();
        assertTrue(ca.getBasicConstraints() >= 0, "CA:true");
        assertTrue(ca.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
        boolean[] usage = ca.getKeyUsage();
        for (int bit = 0; bit < usage.length; bit++) {
            assertEquals(bit == KEY_CERT_SIGN || bit == CRL_SIGN, usage[bit], "key usage bit " + bit);
        }
        assertEquals("CN=pid1-injector CA", ca.getSubjectX500Principal().getName());
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
    }

    @Test
    void servingCertificateIsAServerLeaf() throws Exception {
        X509Certificate cert = material.certificate();
        assertEquals(-1, cert.getBasicConstraints(), "CA:false");
        assertTrue(cert.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
        boolean[] usage = cert.getKeyUsage();
        for (int bit = 0; bit < usage.length; bit++) {
            assertEquals(bit == DIGITAL_SIGNATURE, usage[bit], "key usage bit " + bit);
        }
        assertEquals(List.of(SERVER_AUTH), cert.getExtendedKeyUsage());
        assertEquals("CN=web.ns.svc", cert.getSubjectX500Principal().getName());
        assertEquals(material.ca().getSubjectX500Principal(), cert.getIssuerX500Principal());
    }

    @Test
    void authorityKeyIdOfTheLeafIsTheSubjectKeyIdOfTheCa() throws Exception {
        byte[] caKeyId = SubjectKeyIdentifier.fromExtensions(
                        new JcaX509CertificateHolder(material.ca()).getExtensions())
                .getKeyIdentifier();
        byte[] authorityKeyId = AuthorityKeyIdentifier.fromExtensions(
                        new JcaX509CertificateHolder(material.certificate()).getExtensions())
                .getKeyIdentifier();
        SubjectKeyIdentifier leafKeyId = SubjectKeyIdentifier.fromExtensions(
                new JcaX509CertificateHolder(material.certificate()).getExtensions());
        assertArrayEquals(caKeyId, authorityKeyId);
        assertFalse(Arrays.equals(caKeyId, leafKeyId.getKeyIdentifier()));
    }

    @Test
    void keysAreEcP256() {
        for (X509Certificate cert : List.of(material.ca(), material.certificate())) {
            ECPublicKey key = (ECPublicKey) cert.getPublicKey();
            assertEquals(256, key.getParams().getOrder().bitLength());
            assertEquals("SHA256withECDSA", cert.getSigAlgName());
        }
        assertEquals("EC", material.key().getAlgorithm());
    }

    @Test
    void validityStartsInThePastAndLastsAYearForTheLeafAndTenYearsForTheCa() {
        Instant now = Instant.now();
        for (X509Certificate cert : List.of(material.ca(), material.certificate())) {
            Instant notBefore = cert.getNotBefore().toInstant();
            assertTrue(notBefore.isBefore(now.minus(Duration.ofMinutes(1))), "notBefore " + notBefore);
            assertTrue(notBefore.isAfter(now.minus(Duration.ofHours(1))), "notBefore " + notBefore);
        }
        assertAbout(Duration.ofDays(365), material.certificate());
        assertAbout(Duration.ofDays(3650), material.ca());
    }

    @Test
    void validityOfTheLeafCanBeChosen() {
        assertAbout(
                Duration.ofDays(10),
                Certificates.create("web", "ns", Duration.ofDays(10)).certificate());
    }

    @Test
    void serialsAreRandomPositive128BitNumbers() {
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            TlsMaterial next = Certificates.create("web", "ns");
            serials.add(next.ca().getSerialNumber());
            serials.add(next.certificate().getSerialNumber());
        }
        assertEquals(10, serials.size());
        for (BigInteger serial : serials) {
            assertEquals(1, serial.signum());
            assertEquals(128, serial.bitLength());
        }
    }

    @ParameterizedTest
    @CsvSource({"'', ns", "web, ''", "Web, ns", "web, ns.x", "-web, ns", "web_1, ns", "web, ns-"})
    void rejectsNamesThatAreNotDnsLabels(String service, String namespace) {
        assertThrows(IllegalArgumentException.class, () -> Certificates.create(service, namespace));
    }

    @ParameterizedTest
    @CsvSource({"PT0S", "-PT1H"})
    void rejectsAValidityThatIsNotPositive(Duration validity) {
        assertThrows(IllegalArgumentException.class, () -> Certificates.create("web", "ns", validity));
    }

    @Test
    void acceptsDnsLabels() {
        assertDoesNotThrow(() -> Certificates.serverNames("pid1-injector", "kube-0"));
    }

    private static void assertAbout(Duration expected, X509Certificate cert) {
        Duration actual = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
        assertTrue(
                actual.minus(expected).abs().compareTo(Duration.ofMinutes(1)) < 0,
                "expected about " + expected + " left, got " + actual);
    }

    private static void validate(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }
}
