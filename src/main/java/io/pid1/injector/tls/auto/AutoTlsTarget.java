package io.pid1.injector.tls.auto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The objects self-managed TLS reads and writes.
 *
 * @param namespace            the webhook's namespace: where the Secret lives and what the Service's
 *                             DNS names (and so the certificate) contain
 * @param service              the webhook's Service
 * @param secret               the Secret the replicas share (type {@code kubernetes.io/tls} plus {@code ca.crt})
 * @param webhookConfiguration the MutatingWebhookConfiguration whose caBundles are set
 */
public record AutoTlsTarget(String namespace, String service, String secret, String webhookConfiguration) {

    /** Default name of the shared Secret. */
    public static final String DEFAULT_SECRET = "pid1-injector-ca";
    /** Default name of the MutatingWebhookConfiguration. */
    public static final String DEFAULT_WEBHOOK_CONFIGURATION = "pid1-injector";
    /** Where a pod with a mounted service account token finds its namespace. */
    public static final Path NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    /** Checks that no name is missing. */
    public AutoTlsTarget {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(webhookConfiguration, "webhookConfiguration");
    }

    /** The namespace written in {@code file} (trimmed), when the file exists and is not blank. */
    public static Optional<String> namespaceIn(Path file) {
        try {
            String namespace = Files.readString(file).trim();
            return namespace.isEmpty() ? Optional.empty() : Optional.of(namespace);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
