package io.pid1.injector.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
                status.path("containers")
                        .fields()
                        .forEachRemaining(e ->
                                fixed.put(e.getKey(), Json.strings(e.getValue()).orElse(List.of())));
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

    /** Whether an earlier admission fixed any container. */
    boolean coversAny() {
        return fixed.keySet().stream().anyMatch(name -> !name.equals(POD));
    }

    /** Writes the annotation: what earlier admissions fixed plus {@code applied}. */
    void record(ObjectNode pod, Map<String, List<String>> applied, String version) {
        Map<String, List<String>> all = applied;
        if (!fixed.isEmpty()) {
            all = new LinkedHashMap<>(fixed);
            all.putAll(applied);
        }
        StringWriter text = new StringWriter(96);
        try (JsonGenerator status = JSON.getFactory().createGenerator(text)) {
            status.writeStartObject();
            status.writeStringField("version", version);
            status.writeObjectFieldStart("containers");
            for (Map.Entry<String, List<String>> container : all.entrySet()) {
                if (!container.getKey().equals(POD)) {
                    writeFixes(status, container.getKey(), container.getValue());
                }
            }
            status.writeEndObject();
            if (all.containsKey(POD)) {
                writeFixes(status, "pod", all.get(POD));
            }
            status.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + PodOptions.STATUS, e);
        }
        Json.object(Json.object(pod, "metadata"), "annotations").put(PodOptions.STATUS, text.toString());
    }

    private static void writeFixes(JsonGenerator status, String name, List<String> fixes) throws IOException {
        status.writeArrayFieldStart(name);
        for (String fix : fixes) {
            status.writeString(fix);
        }
        status.writeEndArray();
    }
}
