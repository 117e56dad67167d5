package io.pid1.injector.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AdmissionReview sent back: always allowed, with the JSON Patch, warnings and audit annotations when
 * there are any. Written straight to bytes by a JSON generator, not through the fabric8 model's beans, whose
 * serialisation was a hot spot (bench/README.md, "Hot spots (JFR) and what was done").
 *
 * @param outcome the {@code outcome} label of {@code pid1_requests_total}
 */
record Answer(
        Review review,
        Optional<JsonNode> patch,
        List<String> warnings,
        Map<String, String> auditAnnotations,
        String outcome) {

    static Answer allowed(Review review, String outcome, List<String> warnings) {
        return new Answer(review, Optional.empty(), warnings, Map.of(), outcome);
    }

    /**
     * The patch is Base64-encoded by the JDK's encoder (an intrinsic, faster than Jackson's {@code writeBinary}:
     * bench/README.md) and its characters, which need no escaping, written as they are.
     */
    byte[] write(ObjectMapper json) {
        byte[] patchBase64;
        try {
            patchBase64 = patch.isPresent() ? Base64.getEncoder().encode(json.writeValueAsBytes(patch.get())) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a JSON Patch", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimatedSize(patchBase64));
        try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField("apiVersion", review.apiVersion());
            generator.writeStringField("kind", review.kind());
            generator.writeObjectFieldStart("response");
            generator.writeStringField("uid", review.uid());
            generator.writeBooleanField("allowed", true);
            if (patchBase64 != null) {
                generator.writeStringField("patchType", "JSONPatch");
                generator.writeFieldName("patch");
                generator.writeRawUTF8String(patchBase64, 0, patchBase64.length);
            }
            if (!warnings.isEmpty()) {
                generator.writeArrayFieldStart("warnings");
                for (String warning : warnings) {
                    generator.writeString(warning);
                }
                generator.writeEndArray();
            }
            if (!auditAnnotations.isEmpty()) {
                generator.writeObjectFieldStart("auditAnnotations");
                for (Map.Entry<String, String> annotation : auditAnnotations.entrySet()) {
                    generator.writeStringField(annotation.getKey(), annotation.getValue());
                }
                generator.writeEndObject();
            }
            generator.writeEndObject();
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an AdmissionReview", e);
        }
        return out.toByteArray();
    }

    /** Room for the whole answer up front, so the buffer is not grown and copied on the way. */
    private int estimatedSize(byte[] patchBase64) {
        int size = 256 + (patchBase64 == null ? 0 : patchBase64.length);
        for (String warning : warnings) {
            size += warning.length() + 4;
        }
        for (String value : auditAnnotations.values()) {
            size += value.length() + 32;
        }
        return size;
    }
}
