package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which webhook (and so which endpoint) each kind of namespace gets, evaluated with the rendered
 * namespaceSelectors. A namespace is matched by at most one webhook.
 */
class NamespaceSelectionTest {

    private static final String INJECT = "pid1.io/inject";
    private static final List<String> NEVER_MATCHED =
            List.of("kube-system", "kube-public", "kube-node-lease", "pid1-system");
    private static final List<String> LABEL_VALUES = List.of("", "enabled", "audit", "disabled", "false");

    @ParameterizedTest(name = "{0}: namespace {1} labelled \"{2}\" -> {3}")
    @CsvSource({
        "base, shop, enabled, /mutate",
        "base, shop, audit, /audit",
        "base, shop, '', none",
        "base, shop, disabled, none",
        "overlays/cluster-wide, shop, '', /mutate",
        "overlays/cluster-wide, shop, enabled, /mutate",
        "overlays/cluster-wide, shop, audit, /audit",
        "overlays/cluster-wide, shop, disabled, none",
        "overlays/audit, shop, enabled, /audit",
        "overlays/audit, shop, audit, /audit",
        "overlays/audit, shop, '', none",
        "overlays/cluster-wide-audit, shop, '', /audit",
        "overlays/cluster-wide-audit, shop, audit, /audit",
        "overlays/cluster-wide-audit, shop, disabled, none",
        "overlays/cert-manager, shop, enabled, /mutate",
        "overlays/cert-manager, shop, '', none",
        "overlays/openshift, shop, enabled, /mutate",
        "overlays/openshift, shop, audit, /audit",
        "overlays/openshift, shop, '', none",
    })
    void namespaceGetsItsEndpoint(String directory, String namespace, String label, String expected) {
        List<String> paths = pathsFor(Rendered.of(Path.of("deploy", directory)), namespace, label);

        assertEquals(expected.equals("none") ? List.of() : List.of(expected), paths);
    }

    static Stream<Arguments> reservedNamespaces() {
        return Rendered.deployDirectories()
                .flatMap(directory -> NEVER_MATCHED.stream().map(namespace -> Arguments.of(directory, namespace)));
    }

    @ParameterizedTest(name = "{0}: {1} is never matched")
    @MethodSource("reservedNamespaces")
    void systemNamespacesAndItsOwnAreNeverMatched(Path directory, String namespace) {
        Rendered rendered = Rendered.of(directory);
        for (String label : LABEL_VALUES) {
            assertEquals(List.of(), pathsFor(rendered, namespace, label), namespace + " labelled \"" + label + "\"");
        }
    }

    @ParameterizedTest
    @MethodSource("io.pid1.injector.deploy.Rendered#deployDirectories")
    void theWebhooksOwnNamespaceIsNeverMatched(Path directory) {
        Rendered rendered = Rendered.of(directory);
        String own = rendered.deployment().getMetadata().getNamespace();
        for (String label : LABEL_VALUES) {
            assertEquals(List.of(), pathsFor(rendered, own, label), "bootstrap deadlock: " + own + " is matched");
        }
    }

    /** The endpoints called for a pod created in a namespace with these labels. */
    private static List<String> pathsFor(Rendered rendered, String namespace, String injectLabel) {
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/metadata.name", namespace);
        if (!injectLabel.isEmpty()) {
            labels.put(INJECT, injectLabel);
        }
        return rendered.webhooks().getWebhooks().stream()
                .filter(webhook -> LabelSelectors.matches(webhook.getNamespaceSelector(), labels))
                .filter(webhook -> LabelSelectors.matches(webhook.getObjectSelector(), Map.of()))
                .map(NamespaceSelectionTest::path)
                .toList();
    }

    private static String path(MutatingWebhook webhook) {
        return webhook.getClientConfig().getService().getPath();
    }
}
