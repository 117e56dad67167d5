package io.pid1.injector.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Decides whether existing TLS material can still be used; each method names the first problem found. */
final class TlsCheck {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The types of a subject alternative name, as {@link X509Certificate#getSubjectAlternativeNames} gives them. */
    private static final Integer DNS_NAME = 2;

    private static final Integer IP_ADDRESS = 7;

    private TlsCheck() {}

    /**
     * The first reason not to use {@code material}: the key does not belong to the serving certificate,
     * the certificate does not chain to the CA at {@code now}, a required name is missing, or the
     * certificate or CA ends within {@code minRemaining}. Empty when none applies.
     */
    static Optional<String> problem(
            TlsMaterial material, List<String> requiredNames, Duration minRemaining, Instant now) {
        return keyMismatch(material)
                .or(() -> chainProblem(material, now))
                .or(() -> missingNames(material.certificate(), requiredNames))
                .or(() -> endsTooSoon(material, now, minRemaining));
    }

    /** When the first of the serving certificate and the CA stops being valid. */
    static Instant end(TlsMaterial material) {
        Date cert = material.certificate().getNotAfter();
        Date ca = material.ca().getNotAfter();
        return (cert.before(ca) ? cert : ca).toInstant();
    }

    private static Optional<String> keyMismatch(TlsMaterial material) {
        return keyMismatch(material.certificate(), material.key());
    }

    /** Why {@code key} is not the private key of {@code certificate}, found by signing and verifying a challenge. */
    static Optional<String> keyMismatch(X509Certificate certificate, PrivateKey key) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return Optional.of(TlsMaterial.KEY_FILE + " is a " + key.getAlgorithm() + " key, " + TlsMaterial.CERT_FILE
                    + " holds a " + publicKey.getAlgorithm() + " key");
        }
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return Optional.of(TlsMaterial.KEY_FILE + " has the unsupported key type " + publicKey.getAlgorithm());
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return Optional.empty();
            }
        } catch (GeneralSecurityException e) {
            return Optional.of(TlsMaterial.KEY_FILE + " cannot be checked against " + TlsMaterial.CERT_FILE + ": "
                    + e.getMessage());
        }
        return Optional.of(TlsMaterial.KEY_FILE + " is not the key of " + TlsMaterial.CERT_FILE);
    }

    private static Optional<String> chainProblem(TlsMaterial material, Instant now) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(material.ca(), null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(List.of(material.certificate())),
                            parameters);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of(
                    TlsMaterial.CERT_FILE + " does not verify against " + TlsMaterial.CA_FILE + ": " + e.getMessage());
        }
    }

    private static Optional<String> missingNames(X509Certificate certificate, List<String> required) {
        Set<String> dnsNames = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        try {
            Collection<List<?>> present = certificate.getSubjectAlternativeNames();
            for (List<?> name : present == null ? List.<List<?>>of() : present) {
                if (name.get(0).equals(DNS_NAME)) {
                    dnsNames.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
                } else if (name.get(0).equals(IP_ADDRESS)) {
                    addresses.add(InetAddress.getByName((String) name.get(1)));
                }
            }
        } catch (CertificateParsingException | UnknownHostException e) {
            return Optional.of(TlsMaterial.CERT_FILE + " cannot be read: " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (Certificates.isIpLiteral(name) ? !addresses.contains(address(name)) : !dnsNames.contains(name)) {
                missing.add(name);
            }
        }
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of(TlsMaterial.CERT_FILE + " lacks the names " + String.join(", ", missing));
    }

    /** The address an IP literal stands for; {@link InetAddress#getByName} asks no resolver for a literal. */
    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static Optional<String> endsTooSoon(TlsMaterial material, Instant now, Duration minRemaining) {
        Instant end = end(material);
        return end.isBefore(now.plus(minRemaining))
                ? Optional.of("the certificates end on " + end + ", within " + minRemaining.toDays() + " days")
                : Optional.empty();
    }
}
