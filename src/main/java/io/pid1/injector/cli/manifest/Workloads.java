package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the pod templates of a document: a Pod is its own template; Deployments, StatefulSets,
 * DaemonSets, ReplicaSets and Jobs have {@code spec.template}; CronJobs
 * {@code spec.jobTemplate.spec.template}; a {@code List} has them in its items. Any other kind
 * (or a kind of another API group) has none and passes through.
 */
public final class Workloads {

    private static final JsonPointer TEMPLATE = JsonPointer.compile("/spec/template");
    private static final Map<String, JsonPointer> TEMPLATES = Map.of(
            "Pod", JsonPointer.empty(),
            "Deployment", TEMPLATE,
            "StatefulSet", TEMPLATE,
            "DaemonSet", TEMPLATE,
            "ReplicaSet", TEMPLATE,
            "Job", TEMPLATE,
            "CronJob", JsonPointer.compile("/spec/jobTemplate/spec/template"));
    private static final Map<String, List<String>> GROUPS = Map.of(
            "Pod", List.of(""),
            "Deployment", List.of("apps", "extensions"),
            "StatefulSet", List.of("apps"),
            "DaemonSet", List.of("apps", "extensions"),
            "ReplicaSet", List.of("apps", "extensions"),
            "Job", List.of("batch"),
            "CronJob", List.of("batch"));

    private Workloads() {}

    /** The workloads of {@code document}, in order. */
    public static List<Workload> of(Document document) throws BadInputException {
        List<Workload> found = new ArrayList<>();
        if (document.tree() != null) {
            collect(document, JsonPointer.empty(), found);
        }
        return found;
    }

    private static void collect(Document document, JsonPointer at, List<Workload> found) throws BadInputException {
        JsonNode object = document.tree().at(at);
        int line = document.lines().of(at);
        if (!object.isObject()) {
            throw new BadInputException(
                    document.source(),
                    line,
                    at.matches()
                            ? "document is not a mapping"
                            : "List item " + at.last().getMatchingIndex() + " is not a mapping");
        }
        String kind = object.path("kind").asText("");
        if (kind.isEmpty()) {
            throw new BadInputException(
                    document.source(),
                    line,
                    at.matches()
                            ? "document has no kind"
                            : "List item " + at.last().getMatchingIndex() + " has no kind");
        }
        String group = group(object.path("apiVersion").asText(""));
        if (kind.equals("List") && group.isEmpty()) {
            JsonNode items = object.path("items");
            for (int i = 0; i < items.size(); i++) {
                collect(document, at.append(JsonPointer.compile("/items/" + i)), found);
            }
            return;
        }
        JsonPointer template = TEMPLATES.get(kind);
        if (template != null
                && GROUPS.get(kind).contains(group)
                && object.at(template).isObject()) {
            found.add(new Workload(document, at, at.append(template), kind, name(object)));
        }
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static String name(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            name = metadata.path("generateName").asText("");
        }
        return name.isEmpty() ? "-" : name;
    }
}
