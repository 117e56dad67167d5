package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The CPU architecture a pod will run on, as far as its spec says: the {@code kubernetes.io/arch} node
 * selector, else a required node affinity on that label, else a default.
 */
final class NodeArchitecture {

    static final String LABEL = "kubernetes.io/arch";
    private static final String LEGACY_LABEL = "beta.kubernetes.io/arch";

    private NodeArchitecture() {}

    /**
     * The architecture whose image the pod runs. When the affinity allows several, the default is taken if it is
     * one of them, else the first one named.
     */
    static String of(JsonNode pod, String defaultArchitecture) {
        JsonNode spec = pod.path("spec");
        for (String label : new String[] {LABEL, LEGACY_LABEL}) {
            JsonNode selected = spec.path("nodeSelector").path(label);
            if (selected.isTextual() && !selected.asText().isBlank()) {
                return selected.asText().strip();
            }
        }
        Set<String> allowed = affinityValues(spec);
        if (allowed.isEmpty() || allowed.contains(defaultArchitecture)) {
            return defaultArchitecture;
        }
        return allowed.iterator().next();
    }

    private static Set<String> affinityValues(JsonNode spec) {
        Set<String> values = new LinkedHashSet<>();
        JsonNode terms = spec.path("affinity")
                .path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        for (JsonNode term : terms) {
            for (JsonNode expression : term.path("matchExpressions")) {
                String key = expression.path("key").asText();
                boolean archKey = key.equals(LABEL) || key.equals(LEGACY_LABEL);
                if (archKey && expression.path("operator").asText().equals("In")) {
                    expression.path("values").forEach(v -> {
                        if (v.isTextual() && !v.asText().isBlank()) {
                            values.add(v.asText().strip());
                        }
                    });
                }
            }
        }
        return values;
    }
}
