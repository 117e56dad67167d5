package io.pid1.injector.webhook;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request the webhook reads, taken from
 * the body's JSON tree so that the pod stays exactly as received.
 */
record Review(String apiVersion, String kind, JsonNode request) {

    static final String API_VERSION = "admission.k8s.io/v1";

    static Review of(JsonNode body) throws ReviewException {
        if (body == null || !body.isObject()) {
            throw new ReviewException("body is not a JSON object");
        }
        String apiVersion = body.path("apiVersion").asText("");
        String kind = body.path("kind").asText("");
        if (!kind.equals("AdmissionReview")) {
            throw new ReviewException("kind is " + quoted(kind) + ", not AdmissionReview");
        }
        if (!apiVersion.equals(API_VERSION)) {
            throw new ReviewException("apiVersion is " + quoted(apiVersion) + ", not " + API_VERSION);
        }
        JsonNode request = body.get("request");
        if (request == null || !request.isObject()) {
            throw new ReviewException("AdmissionReview has no request");
        }
        if (!request.path("uid").isTextual() || request.path("uid").asText().isEmpty()) {
            throw new ReviewException("AdmissionReview request has no uid");
        }
        return new Review(apiVersion, kind, request);
    }

    /** {@code value} as a JSON string, cut to 60 characters: the client's text cannot break the one-line reason. */
    private static String quoted(String value) {
        String cut = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "\"";
    }

    String uid() {
        return request.path("uid").asText();
    }

    /** Only pods being created (no subresource) are analysed; everything else is allowed untouched. */
    boolean isPodCreate() {
        JsonNode resource = request.path("resource");
        return request.path("operation").asText().equals("CREATE")
                && resource.path("group").asText("").isEmpty()
                && resource.path("resource").asText().equals("pods")
                && request.path("subResource").asText("").isEmpty()
                && request.path("object").isObject();
    }

    JsonNode pod() {
        return request.path("object");
    }

    String podName() {
        JsonNode metadata = pod().path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            name = request.path("name").asText("");
        }
        return name.isEmpty() ? metadata.path("generateName").asText("") + "*" : name;
    }

    String namespace() {
        return request.path("namespace")
                .asText(pod().path("metadata").path("namespace").asText(""));
    }

    boolean dryRun() {
        return request.path("dryRun").asBoolean(false);
    }
}
