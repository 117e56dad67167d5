package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pods the webhook would answer unchanged are never sent to it: every webhook of every deploy/
 * directory has the objectSelector and matchConditions, and the conditions, evaluated as CEL, skip
 * exactly mirror pods, Windows pods and opted-out pods (the webhook's own among them).
 */
class SkippedPodsTest {

    private static final String DIRECTORIES = "io.pid1.injector.deploy.Rendered#deployDirectories";

    private static JsonNode pod(String yaml) {
        try {
            return Rendered.YAML.readTree("{apiVersion: v1, kind: Pod, " + yaml + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the conditions that are not true for the pod, or the CEL error of one that fails. */
    private static List<String> skippedBy(MutatingWebhook webhook, JsonNode pod) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("object", Cel.value(pod));
        variables.put("oldObject", Cel.value((JsonNode) null));
        List<String> skipping = new ArrayList<>();
        for (MatchCondition condition : webhook.getMatchConditions()) {
            String outcome = Cel.outcome(condition.getExpression(), variables);
            if (!outcome.equals("true")) {
                skipping.add(condition.getName() + (outcome.equals("false") ? "" : " (" + outcome + ")"));
            }
        }
        return skipping;
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void sendsOrdinaryPods(Path directory) {
        for (MutatingWebhook webhook : Rendered.of(directory).webhooks().getWebhooks()) {
            for (JsonNode pod : List.of(
                    pod("metadata: {name: web}, spec: {containers: [{name: app, image: app}]}"),
                    pod("metadata: {name: web, annotations: {a: b}}, spec: {containers: [{name: app, image: app}]}"),
                    pod("metadata: {annotations: {pid1.io/inject: audit}}, spec: {os: {name: linux}}"),
                    pod("metadata: {annotations: {pid1.io/inject: enabled}}, spec: {}"))) {
                assertEquals(List.of(), skippedBy(webhook, pod), directory + " " + webhook.getName() + " " + pod);
            }
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void skipsMirrorWindowsAndOptedOutPods(Path directory) {
        for (MutatingWebhook webhook : Rendered.of(directory).webhooks().getWebhooks()) {
            String name = directory + " " + webhook.getName();
            assertEquals(
                    List.of("not-a-mirror-pod"),
                    skippedBy(webhook, pod("metadata: {annotations: {kubernetes.io/config.mirror: abc}}, spec: {}")),
                    name);
            assertEquals(
                    List.of("not-a-windows-pod"),
                    skippedBy(webhook, pod("metadata: {}, spec: {os: {name: windows}}")),
                    name);
            assertEquals(
                    List.of("not-opted-out"),
                    skippedBy(webhook, pod("metadata: {annotations: {pid1.io/inject: 'false'}}, spec: {}")),
                    name);
            assertEquals(
                    List.of("not-opted-out"),
                    skippedBy(webhook, pod("metadata: {annotations: {pid1.io/inject: disabled}}, spec: {}")),
                    name);
        }
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void neverSendsTheWebhooksOwnPods(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Deployment deployment = rendered.deployment();
        ObjectNode own =
                (ObjectNode) Rendered.YAML.valueToTree(deployment.getSpec().getTemplate());
        own.put("apiVersion", "v1").put("kind", "Pod");
        Map<String, String> labels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();

        for (MutatingWebhook webhook : rendered.webhooks().getWebhooks()) {
            String name = directory + " " + webhook.getName();
            assertFalse(LabelSelectors.matches(webhook.getObjectSelector(), labels), name + ": the objectSelector");
            assertEquals(List.of("not-opted-out"), skippedBy(webhook, own), name + ": the matchConditions");
            assertTrue(LabelSelectors.matches(webhook.getObjectSelector(), Map.of("app", "web")), name);
        }
    }
}
