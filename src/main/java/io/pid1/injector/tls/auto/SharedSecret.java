package io.pid1.injector.tls.auto;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Secret all replicas take their TLS material from, so that they serve certificates of one CA.
 * The first replica creates it; one that loses that race (409) uses the winner's. A Secret that
 * cannot be used (unreadable, wrong names, less than {@link Certificates#MIN_REMAINING} left) is
 * replaced by an update that names the resourceVersion read, so only one replica replaces it.
 * The update keeps the Secret's type, which the API server never lets change: the manifests may
 * ship the Secret empty (so Opaque), letting the RBAC grant only get and update on its name.
 */
final class SharedSecret {

    /** How the material was obtained. */
    enum How {
        CREATED,
        REUSED,
        REPLACED
    }

    /**
     * The material now in the Secret.
     *
     * @param material   what the replica serves
     * @param how        created, reused or replaced
     * @param reason     why, for a log line
     * @param previousCa when replaced: the CA PEM of the replaced Secret while it is still valid, which
     *                   the other replicas may still serve certificates of until they restart
     */
    record Obtained(TlsMaterial material, How how, String reason, Optional<String> previousCa) {}

    /** Reads (and, when needed, writes) the Secret at most this many times before giving up. */
    static final int ATTEMPTS = 5;

    private static final String LABEL = "app.kubernetes.io/name";
    private static final String TLS_TYPE = "kubernetes.io/tls";

    private final KubernetesClient client;
    private final AutoTlsTarget target;

    SharedSecret(KubernetesClient client, AutoTlsTarget target) {
        this.client = client;
        this.target = target;
    }

    /** The material every replica shares, creating or replacing the Secret when needed. */
    Obtained obtain() {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Secret existing = resource().get();
            try {
                if (existing == null) {
                    TlsMaterial material = Certificates.create(target.service(), target.namespace());
                    client.resource(secret(material, TLS_TYPE, null)).create();
                    return new Obtained(
                            material, How.CREATED, "Secret " + describe() + " was missing", Optional.empty());
                }
                Certificates.Existing found = inspect(existing);
                if (found.material().isPresent()) {
                    return new Obtained(found.material().get(), How.REUSED, found.reason(), Optional.empty());
                }
                TlsMaterial material = Certificates.create(target.service(), target.namespace());
                client.resource(secret(
                                material,
                                existing.getType(),
                                existing.getMetadata().getResourceVersion()))
                        .update();
                return new Obtained(material, How.REPLACED, found.reason(), validCa(existing));
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("Secret " + describe() + " changed " + ATTEMPTS + " times while read");
    }

    private Resource<Secret> resource() {
        return client.secrets().inNamespace(target.namespace()).withName(target.secret());
    }

    private String describe() {
        return target.namespace() + "/" + target.secret();
    }

    /** A Secret with the certificate and key as in a {@code kubernetes.io/tls} one, and the CA as {@code ca.crt}. */
    private Secret secret(TlsMaterial material, String type, String resourceVersion) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TlsMaterial.CA_FILE, base64(material.caPem()));
        data.put(TlsMaterial.CERT_FILE, base64(material.certificatePem()));
        data.put(TlsMaterial.KEY_FILE, base64(material.keyPem()));
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(target.secret())
                        .withNamespace(target.namespace())
                        .withResourceVersion(resourceVersion)
                        .addToLabels(LABEL, "pid1-injector")
                        .build())
                .withType(type)
                .withData(data)
                .build();
    }

    /** Checks the Secret's PEMs as {@link Certificates#inspect} checks a directory. */
    private Certificates.Existing inspect(Secret secret) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("pid1-tls-secret");
            for (String file : new String[] {TlsMaterial.CA_FILE, TlsMaterial.CERT_FILE, TlsMaterial.KEY_FILE}) {
                String value = data.get(file);
                if (value != null) {
                    Files.write(scratch.resolve(file), Base64.getMimeDecoder().decode(value));
                }
            }
            return Certificates.inspect(scratch, target.service(), target.namespace());
        } catch (IllegalArgumentException e) {
            return new Certificates.Existing(Optional.empty(), "Secret data is not base64: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(scratch);
        }
    }

    /** The Secret's {@code ca.crt} when it is one PEM certificate valid now. */
    private static Optional<String> validCa(Secret secret) {
        String value = secret.getData() == null ? null : secret.getData().get(TlsMaterial.CA_FILE);
        if (value == null) {
            return Optional.empty();
        }
        try {
            byte[] pem = Base64.getMimeDecoder().decode(value);
            X509Certificate ca = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
            ca.checkValidity();
            String text = new String(pem, StandardCharsets.US_ASCII).strip();
            return text.startsWith("-----BEGIN CERTIFICATE-----") ? Optional.of(text + "\n") : Optional.empty();
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static void delete(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
