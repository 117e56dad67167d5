package io.pid1.injector.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An OCI image layout on disk, read by the image-spec rules: index.json names a manifest by its
 * ref name; every blob is found by digest and must have the digest and size its descriptor says.
 */
final class OciLayoutReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    OciLayoutReader(Path root) {
        this.root = root;
    }

    JsonNode index() {
        return json(read(root.resolve("index.json")));
    }

    JsonNode layoutVersion() {
        return json(read(root.resolve("oci-layout")));
    }

    /** The index entry whose org.opencontainers.image.ref.name is the tag. */
    JsonNode manifestDescriptor(String tag) {
        for (JsonNode descriptor : index().path("manifests")) {
            if (tag.equals(descriptor
                    .path("annotations")
                    .path("org.opencontainers.image.ref.name")
                    .asText())) {
                return descriptor;
            }
        }
        throw new AssertionError("no manifest tagged " + tag + " in " + root);
    }

    JsonNode manifest(String tag) {
        return json(blob(manifestDescriptor(tag)));
    }

    JsonNode config(String tag) {
        return json(blob(manifest(tag).path("config")));
    }

    /** A blob's bytes, having checked them against the descriptor's digest and size. */
    byte[] blob(JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        if (!digest.startsWith("sha256:")) {
            throw new AssertionError("not a sha256 digest: " + digest);
        }
        byte[] bytes = read(root.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length())));
        if (!digest.equals("sha256:" + sha256(bytes))) {
            throw new AssertionError("blob " + digest + " has digest sha256:" + sha256(bytes));
        }
        if (descriptor.path("size").asLong() != bytes.length) {
            throw new AssertionError(
                    "blob " + digest + " has " + bytes.length + " bytes, not " + descriptor.path("size"));
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
