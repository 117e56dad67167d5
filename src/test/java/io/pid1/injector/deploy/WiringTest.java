package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Webhook configuration → Service → container port → the port the server listens on, in every directory. */
class WiringTest {

    private static final String DIRECTORIES = "io.pid1.injector.deploy.Rendered#deployDirectories";

    private static ServicePort servicePort(Service service, String name) {
        return service.getSpec().getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Service has no port " + name));
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void serviceSelectsTheWebhookPods(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Map<String, String> podLabels =
                rendered.deployment().getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = rendered.service().getSpec().getSelector();

        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), selector + " vs " + podLabels);
        assertEquals(
                rendered.deployment().getMetadata().getNamespace(),
                rendered.service().getMetadata().getNamespace());
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void webhookCallsReachTheHttpsPort(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = rendered.podSpec().getContainers().get(0);
        int listening = Integer.parseInt(
                WebhookPodTest.env(container, "PID1_WEBHOOK_PORT").orElse("8443"));
        ServicePort https = servicePort(rendered.service(), "https");

        assertEquals(443, https.getPort());
        assertEquals(listening, Ports.containerPort(container, https.getTargetPort()));
        for (MutatingWebhook webhook : rendered.webhooks().getWebhooks()) {
            ServiceReference reference = webhook.getClientConfig().getService();
            int port = Optional.ofNullable(reference.getPort()).orElse(443);
            assertEquals(https.getPort(), port, webhook.getName() + " calls a port the Service has");
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void metricsAreServedFromTheManagementPort(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = rendered.podSpec().getContainers().get(0);
        int management = Integer.parseInt(
                WebhookPodTest.env(container, "PID1_MANAGEMENT_PORT").orElse("9090"));
        ServicePort metrics = servicePort(rendered.service(), "metrics");

        assertEquals(9090, metrics.getPort());
        assertEquals(management, Ports.containerPort(container, metrics.getTargetPort()));
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void everyServicePortTargetsAContainerPort(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = rendered.podSpec().getContainers().get(0);
        for (ServicePort port : rendered.service().getSpec().getPorts()) {
            int target = Ports.containerPort(container, port.getTargetPort());
            assertTrue(container.getPorts().stream().anyMatch(p -> p.getContainerPort() == target), port.getName());
            assertEquals("TCP", port.getProtocol());
        }
    }
}
