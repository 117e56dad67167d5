package io.pid1.injector.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A review's envelope ({@code apiVersion}, {@code kind}, {@code request.uid}) read by streaming over the body,
 * the pod skipped unread: what an answer that admits the pod unchanged needs, in constant memory. Used when a
 * large review cannot be analysed (too many waiting, or its deadline passed). A repeated key counts as the
 * tree reader counts it: the last one wins.
 */
final class ReviewEnvelope {

    private ReviewEnvelope() {}

    static Review read(ObjectMapper json, byte[] body) throws ReviewException {
        ObjectNode envelope = json.createObjectNode();
        ObjectNode request = json.createObjectNode();
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ReviewException("body is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("request") && value == JsonToken.START_OBJECT) {
                    request = json.createObjectNode();
                    readUid(parser, request);
                    envelope.set("request", request);
                } else if ((field.equals("apiVersion") || field.equals("kind")) && value == JsonToken.VALUE_STRING) {
                    envelope.put(field, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
            throw new ReviewException("body is not JSON: " + AdmissionService.firstLine(message));
        }
        return Review.of(envelope);
    }

    private static void readUid(JsonParser parser, ObjectNode request) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("uid") && value == JsonToken.VALUE_STRING) {
                request.put("uid", parser.getText());
            } else {
                parser.skipChildren();
            }
        }
    }
}
