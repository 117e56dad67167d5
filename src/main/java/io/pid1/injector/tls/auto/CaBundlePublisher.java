package io.pid1.injector.tls.auto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the CA into {@code clientConfig.caBundle} of every webhook of the MutatingWebhookConfiguration
 * that calls the webhook's Service, and leaves the others alone. A caBundle that already trusts the
 * CA is left as it is, so that a replica that reuses the shared Secret never drops a previous CA
 * that the one which replaced the Secret put next to the new one. It reads the configuration and
 * sends a JSON patch whose {@code test} operations check that each webhook is still at the index it
 * was read at; a patch that fails because the configuration changed in between is retried.
 * Only {@code get} and {@code patch} are used, the two verbs the RBAC grants.
 */
final class CaBundlePublisher {

    /** Reads and patches at most this many times before giving up. */
    static final int ATTEMPTS = 5;

    /** Answers of a JSON patch whose {@code test} failed, or that collided with another writer. */
    private static final Set<Integer> RETRIED = Set.of(HttpURLConnection.HTTP_CONFLICT, 422);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final AutoTlsTarget target;

    CaBundlePublisher(KubernetesClient client, AutoTlsTarget target) {
        this.client = client;
        this.target = target;
    }

    /**
     * Sets the caBundle of the webhooks that call the Service to {@code ca} followed by {@code previous},
     * unless it holds {@code ca} already.
     *
     * @param ca       the CA PEM the replicas' certificates chain to now
     * @param previous PEM of a CA that replicas not yet restarted may still serve certificates of
     * @return the names of the webhooks changed; empty when all of them trusted {@code ca} already
     * @throws IllegalStateException when the configuration does not exist or no webhook calls the Service
     */
    List<String> publish(String ca, Optional<String> previous) {
        String caBundle = base64(ca + previous.orElse(""));
        KubernetesClientException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Patch patch = plan(resource().get(), ca, caBundle);
            if (patch.operations().isEmpty()) {
                return List.of();
            }
            try {
                resource().patch(PatchContext.of(PatchType.JSON), json(patch.operations()));
                return patch.webhooks();
            } catch (KubernetesClientException e) {
                if (!RETRIED.contains(e.getCode())) {
                    throw e;
                }
                last = e;
            }
        }
        throw new IllegalStateException(
                "MutatingWebhookConfiguration " + target.webhookConfiguration() + " changed " + ATTEMPTS
                        + " times while patched",
                last);
    }

    /** JSON patch operations and the names of the webhooks they change. */
    private record Patch(List<Map<String, Object>> operations, List<String> webhooks) {}

    /** The patch that makes every webhook calling the Service trust {@code ca}, for the configuration as read. */
    private Patch plan(MutatingWebhookConfiguration configuration, String ca, String caBundle) {
        if (configuration == null) {
            throw new IllegalStateException(
                    "MutatingWebhookConfiguration " + target.webhookConfiguration() + " does not exist");
        }
        List<MutatingWebhook> webhooks = configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
        List<Map<String, Object>> operations = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        boolean ours = false;
        for (int index = 0; index < webhooks.size(); index++) {
            MutatingWebhook webhook = webhooks.get(index);
            if (callsOurService(webhook.getClientConfig())) {
                ours = true;
                if (!trusts(webhook.getClientConfig().getCaBundle(), ca)) {
                    String path = "/webhooks/" + index;
                    operations.add(Map.of("op", "test", "path", path + "/name", "value", webhook.getName()));
                    operations.add(Map.of("op", "add", "path", path + "/clientConfig/caBundle", "value", caBundle));
                    changed.add(webhook.getName());
                }
            }
        }
        if (!ours) {
            throw new IllegalStateException("no webhook of MutatingWebhookConfiguration "
                    + target.webhookConfiguration() + " calls Service " + target.namespace() + "/" + target.service());
        }
        return new Patch(operations, changed);
    }

    private Resource<MutatingWebhookConfiguration> resource() {
        return client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(target.webhookConfiguration());
    }

    private boolean callsOurService(WebhookClientConfig clientConfig) {
        ServiceReference service = clientConfig == null ? null : clientConfig.getService();
        return service != null
                && Objects.equals(service.getName(), target.service())
                && Objects.equals(service.getNamespace(), target.namespace());
    }

    private static boolean trusts(String caBundle, String ca) {
        try {
            return caBundle != null
                    && new String(Base64.getMimeDecoder().decode(caBundle), StandardCharsets.US_ASCII).contains(ca);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static String json(List<Map<String, Object>> operations) {
        try {
            return JSON.writeValueAsString(operations);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
