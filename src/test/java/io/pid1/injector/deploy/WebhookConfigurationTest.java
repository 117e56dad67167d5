package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The MutatingWebhookConfiguration of every deploy/ directory obeys the rules of deploy/README.md. */
class WebhookConfigurationTest {

    private static final String DIRECTORIES = "io.pid1.injector.deploy.Rendered#deployDirectories";

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void hasTheTwoWebhooksOfSpec(Path directory) {
        List<MutatingWebhook> webhooks = Rendered.of(directory).webhooks().getWebhooks();

        assertEquals(
                List.of("mutate.pid1.io", "audit.pid1.io"),
                webhooks.stream().map(MutatingWebhook::getName).toList());
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void neverBlocksAPodAndHasNoSideEffects(Path directory) {
        for (MutatingWebhook webhook : Rendered.of(directory).webhooks().getWebhooks()) {
            String name = directory + " " + webhook.getName();
            assertEquals("Ignore", webhook.getFailurePolicy(), name);
            assertNotNull(webhook.getTimeoutSeconds(), name + ": the default timeout is 10 s");
            assertTrue(webhook.getTimeoutSeconds() >= 1 && webhook.getTimeoutSeconds() <= 5, name);
            assertEquals("None", webhook.getSideEffects(), name);
            assertEquals(List.of("v1"), webhook.getAdmissionReviewVersions(), name);
            assertEquals("IfNeeded", webhook.getReinvocationPolicy(), name);
            assertEquals("Equivalent", webhook.getMatchPolicy(), name);
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void seesOnlyPodCreation(Path directory) {
        for (MutatingWebhook webhook : Rendered.of(directory).webhooks().getWebhooks()) {
            assertEquals(1, webhook.getRules().size(), webhook.getName());
            RuleWithOperations rule = webhook.getRules().get(0);
            assertEquals(List.of("CREATE"), rule.getOperations(), webhook.getName());
            assertEquals(List.of(""), rule.getApiGroups(), webhook.getName());
            assertEquals(List.of("v1"), rule.getApiVersions(), webhook.getName());
            assertEquals(List.of("pods"), rule.getResources(), webhook.getName() + ": no subresources");
            assertEquals("Namespaced", rule.getScope(), webhook.getName());
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void callsTheServiceOnAnEndpointOfSpec(Path directory) {
        Rendered rendered = Rendered.of(directory);
        for (MutatingWebhook webhook : rendered.webhooks().getWebhooks()) {
            assertNull(webhook.getClientConfig().getUrl(), webhook.getName() + ": reached through the Service");
            ServiceReference service = webhook.getClientConfig().getService();
            assertEquals(rendered.service().getMetadata().getName(), service.getName(), webhook.getName());
            assertEquals(rendered.service().getMetadata().getNamespace(), service.getNamespace(), webhook.getName());
            assertTrue(
                    Set.of("/mutate", "/audit").contains(service.getPath()),
                    webhook.getName() + " " + service.getPath());
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void leavesTheCaBundleToItsInjector(Path directory) {
        Set<String> bundles = Rendered.of(directory).webhooks().getWebhooks().stream()
                .map(w -> w.getClientConfig().getCaBundle())
                .filter(b -> b != null)
                .collect(Collectors.toSet());

        assertEquals(Set.of(), bundles, "a caBundle in the manifests would overwrite the injected one at each apply");
    }
}
