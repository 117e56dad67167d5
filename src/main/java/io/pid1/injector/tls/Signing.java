package io.pid1.injector.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the CA and serving certificates with BouncyCastle. Apart from this, the package needs it only
 * for traditional key files ({@link TraditionalKey}): reading and checking existing material takes the
 * JDK alone (see {@link Pem}).
 */
final class Signing {

    private static final String CA_SUBJECT = "CN=pid1-injector CA";
    /** How far in the past a new certificate starts, for clocks that run behind. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private Signing() {}

    /** A self-signed CA certificate for {@code keys}, valid from {@code now} for {@code validity}. */
    static X509Certificate ca(KeyPair keys, Instant now, Duration validity) throws GeneralSecurityException {
        X500Name name = new X500Name(CA_SUBJECT);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            name,
                            newSerial(),
                            Date.from(now.minus(CLOCK_SKEW)),
                            Date.from(now.plus(validity)),
                            name,
                            keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** A serving certificate for {@code key} with subject {@code subject} and {@code names}, signed by the CA. */
    static X509Certificate serving(
            PublicKey key,
            X509Certificate ca,
            PrivateKey caKey,
            String subject,
            List<String> names,
            Instant now,
            Duration validity)
            throws GeneralSecurityException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        GeneralNames alternatives = new GeneralNames(names.stream()
                .map(name -> new GeneralName(
                        Certificates.isIpLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name))
                .toArray(GeneralName[]::new));
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            ca,
                            newSerial(),
                            Date.from(now.minus(CLOCK_SKEW)),
                            Date.from(now.plus(validity)),
                            new X500Name(subject),
                            key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, alternatives)
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(ca.getPublicKey()));
            return sign(builder, caKey);
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** A random positive serial of exactly 128 bits. */
    private static BigInteger newSerial() {
        return new BigInteger(127, Certificates.RANDOM).setBit(127);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }
}
