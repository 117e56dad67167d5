package io.pid1.injector.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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
import org.bouncycastle.util.IPAddress;

/**
 * Makes, checks and keeps the webhook's TLS material: a self-signed CA and a serving certificate
 * for the webhook's Service, both EC P-256.
 */
public final class Certificates {

    /** How long a new serving certificate is valid by default. */
    public static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    /** How long a new CA certificate is valid (longer when the serving certificate asks for more). */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Existing material is reused only when it stays valid at least this long. */
    public static final Duration MIN_REMAINING = Duration.ofDays(30);
    /** How far in the past a new certificate starts, for clocks that run behind. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    static final String CA_SUBJECT = "CN=pid1-injector CA";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /**
     * What {@link #inspect} found in a directory.
     *
     * @param material the material, present only when it can be reused
     * @param reason   why it can or cannot be reused, for a log line
     */
    public record Existing(Optional<TlsMaterial> material, String reason) {
    }

    /**
     * What {@link #ensure} did.
     *
     * @param material the material now in the directory
     * @param created  true when new material was made and written, false when the existing set was reused
     * @param reason   why, for a log line
     */
    public record Ensured(TlsMaterial material, boolean created, String reason) {
    }

    /** A new CA and serving certificate for Service {@code service} in {@code namespace}, valid 365 days. */
    public static TlsMaterial create(String service, String namespace) {
        return create(service, namespace, SERVING_VALIDITY);
    }

    /**
     * A new CA and serving certificate for Service {@code service} in {@code namespace}; the serving
     * certificate is valid for {@code validity}, the CA for {@link #CA_VALIDITY} or longer.
     *
     * @throws IllegalArgumentException when a name is not a DNS label or the validity is not positive
     */
    public static TlsMaterial create(String service, String namespace, Duration validity) {
        List<String> names = serverNames(service, namespace);
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        Instant now = Instant.now();
        Duration caValidity = validity.compareTo(CA_VALIDITY) > 0 ? validity : CA_VALIDITY;
        try {
            KeyPair caKeys = newKeyPair();
            X509Certificate ca = newCa(caKeys, now, caValidity);
            KeyPair servingKeys = newKeyPair();
            X509Certificate serving = newServing(servingKeys.getPublic(), ca, caKeys.getPrivate(),
                    "CN=" + service + "." + namespace + ".svc", names, now, validity);
            return new TlsMaterial(ca, serving, servingKeys.getPrivate());
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create TLS material: " + e.getMessage(), e);
        }
    }

    /**
     * The names a serving certificate must hold, in this order: {@code localhost}, {@code 127.0.0.1},
     * {@code ::1}, {@code S}, {@code S.N}, {@code S.N.svc}, {@code S.N.svc.cluster.local}.
     *
     * @throws IllegalArgumentException when service or namespace is not a DNS label
     */
    public static List<String> serverNames(String service, String namespace) {
        requireLabel("service", service);
        requireLabel("namespace", namespace);
        String svc = service + "." + namespace + ".svc";
        return List.of("localhost", "127.0.0.1", "::1", service, service + "." + namespace, svc,
                svc + ".cluster.local");
    }

    /**
     * Looks at the material in {@code dir}: reusable when all three files parse, the key belongs to the
     * serving certificate, that certificate chains to the CA, holds every name of {@link #serverNames},
     * and both stay valid for at least {@link #MIN_REMAINING}.
     */
    public static Existing inspect(Path dir, String service, String namespace) {
        List<String> required = serverNames(service, namespace);
        TlsMaterial material;
        try {
            material = TlsMaterial.readFrom(dir);
        } catch (IOException e) {
            return new Existing(Optional.empty(), e.getMessage());
        }
        Optional<String> problem = TlsCheck.problem(material, required, MIN_REMAINING, Instant.now());
        return problem.map(reason -> new Existing(Optional.<TlsMaterial>empty(), reason))
                .orElseGet(() -> new Existing(Optional.of(material), "valid until " + TlsCheck.end(material)));
    }

    /** The material in {@code dir} when it can be reused for this Service (see {@link #inspect}). */
    public static Optional<TlsMaterial> reuse(Path dir, String service, String namespace) {
        return inspect(dir, service, namespace).material();
    }

    /** Reuses the material in {@code dir}, or creates new material and writes it there. */
    public static Ensured ensure(Path dir, String service, String namespace) throws IOException {
        Existing existing = inspect(dir, service, namespace);
        if (existing.material().isPresent()) {
            return new Ensured(existing.material().get(), false, existing.reason());
        }
        TlsMaterial material = create(service, namespace);
        material.writeTo(dir);
        return new Ensured(material, true, existing.reason());
    }

    static GeneralName generalName(String name) {
        return new GeneralName(IPAddress.isValid(name) ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static GeneralNames generalNames(List<String> names) {
        return new GeneralNames(names.stream().map(Certificates::generalName).toArray(GeneralName[]::new));
    }

    private static void requireLabel(String what, String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a DNS label (lower-case letters, digits, '-'): " + value);
        }
    }

    private static X509Certificate newCa(KeyPair keys, Instant now, Duration validity)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        X500Name name = new X500Name(CA_SUBJECT);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, newSerial(),
                Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    private static X509Certificate newServing(PublicKey key, X509Certificate ca, PrivateKey caKey, String subject,
                                              List<String> names, Instant now, Duration validity)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, newSerial(),
                Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), new X500Name(subject), key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, generalNames(names))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(ca.getPublicKey()));
        return sign(builder, caKey);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A random positive serial of exactly 128 bits. */
    private static BigInteger newSerial() {
        return new BigInteger(127, RANDOM).setBit(127);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
    }
}
