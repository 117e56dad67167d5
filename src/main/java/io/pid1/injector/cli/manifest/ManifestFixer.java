package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.Outcome;
import io.pid1.injector.core.PodFixer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the engine on every pod template of a document, exactly as the webhook runs it on a pod:
 * the template becomes a pod ({@code metadata} + {@code spec}), and the fixed metadata and spec
 * go back into the template. A pod that asks to be reported on only is not changed.
 */
public final class ManifestFixer {

    /** What the engine made of one workload's pod template. */
    public record Result(Workload workload, Outcome outcome) {

        /** {@code mutate} changes this workload (the webhook would patch its pods). */
        public boolean changes() {
            return outcome.changed() && !outcome.reportOnly();
        }
    }

    /**
     * A document after the engine.
     *
     * @param fixed the document with every change in place; {@code null} when nothing changed
     */
    public record Fixed(Document document, List<Result> results, JsonNode fixed) {}

    private final PodFixer fixer;
    private final Function<JsonNode, ImageFacts> images;

    /** @param images looks up the images a pod relies on (the webhook's resolver, or none offline) */
    public ManifestFixer(PodFixer fixer, Function<JsonNode, ImageFacts> images) {
        this.fixer = fixer;
        this.images = images;
    }

    public Fixed fix(Document document) throws BadInputException {
        List<Result> results = new ArrayList<>();
        JsonNode copy = null;
        for (Workload workload : Workloads.of(document)) {
            ObjectNode template = (ObjectNode) document.tree().at(workload.template());
            JsonNode pod = workload.kind().equals("Pod") ? template : pod(template);
            Outcome outcome = fixer.fix(pod, images.apply(pod));
            Result result = new Result(workload, outcome);
            results.add(result);
            if (result.changes()) {
                copy = copy == null ? document.tree().deepCopy() : copy;
                putBack((ObjectNode) copy.at(workload.template()), outcome.fixed());
            }
        }
        return new Fixed(document, results, copy);
    }

    private static JsonNode pod(ObjectNode template) {
        ObjectNode pod = template.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        if (template.has("metadata")) {
            pod.set("metadata", template.get("metadata"));
        }
        if (template.has("spec")) {
            pod.set("spec", template.get("spec"));
        }
        return pod;
    }

    /** Puts the fixed metadata and spec into {@code template}, metadata before spec when it is new. */
    private static void putBack(ObjectNode template, JsonNode pod) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        template.fields().forEachRemaining(e -> {
            if (e.getKey().equals("spec") && !template.has("metadata") && pod.has("metadata")) {
                fields.put("metadata", pod.get("metadata"));
            }
            fields.put(e.getKey(), e.getValue());
        });
        for (String name : List.of("metadata", "spec")) {
            if (pod.has(name)) {
                fields.put(name, pod.get(name));
            }
        }
        template.removeAll();
        template.setAll(fields);
    }
}
