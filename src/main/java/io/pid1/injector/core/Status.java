package io.pid1.injector.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pid1.io/status} annotation:
 * {@code {"version":"0.1.0","containers":{"web":["exec","init"]},"pod":["pidns"]}}.
 * A container it names was fixed by an earlier admission and is not touched again (reinvocation).
 */
final class Status {

    /** The key under which pod-level fixes are recorded. */
    static final String POD = "";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<String>> fixed;

    private Status(Map<String, List<String>> fixed) {
        this.fixed = fixed;
    }

    static Status read(JsonNode pod) {
        Map<String, List<String>> fixed = new LinkedHashMap<>();
        JsonNode text = pod.path("metadata").path("annotations").get(PodOptions.STATUS);
        if (text != null && text.isTextual()) {
            try {
                JsonNode status = JSON.readTree(text.asText());
                status.path("containers").fields().forEachRemaining(e -> fixed.put(e.getKey(),
                        Json.strings(e.getValue()).orElse(List.of())));
                Json.strings(status.get("pod")).ifPresent(fixes -> fixed.put(POD, fixes));
            } catch (JsonProcessingException ignored) {
                // a status not written by us names nothing: every container is analysed afresh
            }
        }
        return new Status(fixed);
    }

    boolean covers(String container) {
        return fixed.containsKey(container);
    }

    /** Writes the annotation: what earlier admissions fixed plus {@code applied}. */
    void record(ObjectNode pod, Map<String, List<String>> applied, String version) {
        Map<String, List<String>> all = new LinkedHashMap<>(fixed);
        all.putAll(applied);
        ObjectNode status = JSON.createObjectNode();
        status.put("version", version);
        ObjectNode containers = status.putObject("containers");
        all.forEach((name, fixes) -> (name.equals(POD) ? status : containers).set(name.equals(POD) ? "pod" : name,
                Json.array(fixes)));
        Json.object(Json.object(pod, "metadata"), "annotations").put(PodOptions.STATUS, status.toString());
    }
}
