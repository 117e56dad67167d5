package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the manifests of the distribution API: an index (manifest list) or an image manifest, OCI or Docker. */
final class Manifests {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** The {@code Accept} of a manifest request: every type this class reads. */
    static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
    private static final Set<String> IMAGES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> CONFIGS =
            Set.of("application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest read: an index (manifest list) or an image manifest. */
    record Manifest(boolean index, JsonNode json) {}

    private Manifests() {}

    /** Parses a fetched manifest, its kind from the {@code Content-Type}, else its {@code mediaType} field. */
    static Manifest read(RegistryClient.Fetched fetched) {
        JsonNode json = parse(fetched.body(), "manifest");
        String type = fetched.contentType()
                .map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .filter(t -> INDEXES.contains(t) || IMAGES.contains(t))
                .orElseGet(() -> json.path("mediaType").asText(""));
        if (INDEXES.contains(type)) {
            return new Manifest(true, json);
        }
        if (IMAGES.contains(type)) {
            return new Manifest(false, json);
        }
        if (type.isEmpty() && json.path("manifests").isArray()) {
            return new Manifest(true, json);
        }
        if (type.isEmpty() && json.path("config").isObject()) {
            return new Manifest(false, json);
        }
        throw LookupFailure.image("unsupported manifest type "
                + (type.isEmpty() ? fetched.contentType().orElse("(none)") : type));
    }

    /** The digest of the index entry for {@code linux/<architecture>}. */
    static String platform(Manifest index, String architecture) {
        for (JsonNode entry : index.json().path("manifests")) {
            JsonNode platform = entry.path("platform");
            String type = entry.path("mediaType").asText(OCI_MANIFEST);
            if (platform.path("os").asText().equals("linux")
                    && platform.path("architecture").asText().equals(architecture)
                    && IMAGES.contains(type)
                    && entry.path("digest").isTextual()) {
                return entry.path("digest").asText();
            }
        }
        throw LookupFailure.image("no linux/" + architecture + " image in the index");
    }

    /** The digest of an image manifest's config blob; fails when it is not a container image. */
    static String configDigest(Manifest image) {
        JsonNode config = image.json().path("config");
        String type = config.path("mediaType").asText("");
        if (!type.isEmpty() && !CONFIGS.contains(type)) {
            throw LookupFailure.image("not a container image (config type " + type + ")");
        }
        if (!config.path("digest").isTextual()) {
            throw LookupFailure.image("unreadable manifest: no config digest");
        }
        return config.path("digest").asText();
    }

    static JsonNode parse(byte[] body, String what) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw LookupFailure.image("unreadable " + what);
            }
            return json;
        } catch (IOException e) {
            throw LookupFailure.image("unreadable " + what);
        }
    }

    /** The content digest of {@code body}, {@code sha256:<hex>}: what a registry serves it by. */
    static String sha256(byte[] body) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Fails unless {@code body} has the content digest {@code digest} ({@code sha256:…} or {@code sha512:…}). */
    static void verify(byte[] body, String digest) {
        int colon = digest.indexOf(':');
        String algorithm = colon < 0 ? "" : digest.substring(0, colon);
        String name = List.of("sha256", "sha512").contains(algorithm) ? "SHA-" + algorithm.substring(3) : null;
        if (name == null) {
            throw LookupFailure.image("unsupported digest " + digest);
        }
        try {
            String actual =
                    HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(body));
            if (!actual.equals(digest.substring(colon + 1))) {
                throw LookupFailure.image("digest mismatch for " + digest);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
