package io.pid1.injector.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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

    static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private Certificates() {}

    /**
     * What {@link #inspect} found in a directory.
     *
     * @param material the material, present only when it can be reused
     * @param reason   why it can or cannot be reused, for a log line
     */
    public record Existing(Optional<TlsMaterial> material, String reason) {}

    /**
     * What {@link #ensure} did.
     *
     * @param material the material now in the directory
     * @param created  true when new material was made and written, false when the existing set was reused
     * @param reason   why, for a log line
     */
    public record Ensured(TlsMaterial material, boolean created, String reason) {}

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
        return issue("CN=" + service + "." + namespace + ".svc", names, validity);
    }

    /** A new CA and a serving certificate with {@code subject} and exactly {@code names}, valid for {@code validity}. */
    static TlsMaterial issue(String subject, List<String> names, Duration validity) {
        Instant now = Instant.now();
        Duration caValidity = validity.compareTo(CA_VALIDITY) > 0 ? validity : CA_VALIDITY;
        try {
            KeyPair caKeys = newKeyPair();
            X509Certificate ca = Signing.ca(caKeys, now, caValidity);
            KeyPair servingKeys = newKeyPair();
            X509Certificate serving =
                    Signing.serving(servingKeys.getPublic(), ca, caKeys.getPrivate(), subject, names, now, validity);
            return new TlsMaterial(ca, serving, servingKeys.getPrivate());
        } catch (GeneralSecurityException e) {
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
        return List.of(
                "localhost", "127.0.0.1", "::1", service, service + "." + namespace, svc, svc + ".cluster.local");
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

    /** Whether a name of {@link #serverNames} is an IP address (IPv4 dotted or IPv6) rather than a DNS name. */
    static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || IPV4.matcher(name).matches();
    }

    private static void requireLabel(String what, String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a DNS label (lower-case letters, digits, '-'): " + value);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }
}
