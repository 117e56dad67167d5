package io.pid1.injector.tls.auto;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pid1.injector.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Self-managed TLS at start: takes the material from the shared Secret (see {@link SharedSecret}),
 * writes it to the TLS directory and publishes the CA as caBundle (see {@link CaBundlePublisher});
 * after replacing the Secret, the caBundle also trusts the replaced CA, so the replicas that still
 * serve its certificates keep working until they restart.
 * The client is configured as fabric8 does by default (in a pod: the mounted service account),
 * with few retries, so that an unreachable API server fails the start within seconds.
 */
public final class AutoTls {

    private static final int RETRIES = 2;
    private static final int RETRY_INTERVAL_MS = 250;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int REQUEST_TIMEOUT_MS = 10_000;

    private AutoTls() {}

    /**
     * What a start did, for the log.
     *
     * @param material the material written to the TLS directory
     * @param secret   what was done with the Secret: {@code created}, {@code reused} or {@code replaced}
     * @param reason   why
     * @param patched  the webhooks whose caBundle was set; empty when all trusted the CA already
     */
    public record Outcome(TlsMaterial material, String secret, String reason, List<String> patched) {}

    /**
     * Connects to the API server the way a pod does and runs {@link #start(KubernetesClient, AutoTlsTarget, Path)}.
     *
     * @throws AutoTlsException when the API server cannot be reached or refuses, in one line
     */
    public static Outcome start(AutoTlsTarget target, Path dir) {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(RETRIES)
                .withRequestRetryBackoffInterval(RETRY_INTERVAL_MS)
                .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                .withRequestTimeout(REQUEST_TIMEOUT_MS)
                .build();
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            return start(client, target, dir);
        }
    }

    /**
     * Obtains the shared material, writes it to {@code dir} and sets the caBundles.
     *
     * @throws AutoTlsException when the API server cannot be reached or refuses, in one line
     */
    public static Outcome start(KubernetesClient client, AutoTlsTarget target, Path dir) {
        try {
            SharedSecret.Obtained obtained = new SharedSecret(client, target).obtain();
            obtained.material().writeTo(dir);
            List<String> patched = new CaBundlePublisher(client, target)
                    .publish(obtained.material().caPem(), obtained.previousCa());
            return new Outcome(
                    obtained.material(), obtained.how().name().toLowerCase(Locale.ROOT), obtained.reason(), patched);
        } catch (KubernetesClientException e) {
            throw new AutoTlsException(describe(e, client.getMasterUrl().toString()), e);
        } catch (IllegalStateException | IOException | UncheckedIOException e) {
            throw new AutoTlsException(e.getMessage(), e);
        }
    }

    private static String describe(KubernetesClientException e, String master) {
        if (e.getCode() > 0) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage()
                    : e.getMessage();
            return "the API server at " + master + " answered " + e.getCode() + ": " + message;
        }
        List<String> causes = new ArrayList<>();
        for (Throwable cause = e.getCause(); cause != null && causes.size() < 4; cause = cause.getCause()) {
            causes.add(cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        }
        String cause = causes.isEmpty() ? e.getMessage() : String.join(" / ", causes);
        return "cannot reach the API server at " + master + ": " + cause;
    }
}
