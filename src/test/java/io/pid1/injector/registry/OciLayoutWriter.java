package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes OCI image layouts by hand: one tiny gzip layer (an empty tar), a config JSON and a manifest per
 * architecture, under an index when there are several. {@code skopeo} copies them into a registry.
 */
final class OciLayoutWriter {

    static final String TAG = "v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private OciLayoutWriter(Path dir) {
        this.dir = dir;
    }

    /** A layout holding one image manifest whose config has this {@code config} object. */
    static Path image(Path dir, String architecture, Map<String, Object> config) {
        OciLayoutWriter layout = new OciLayoutWriter(dir);
        layout.top(layout.manifest(architecture, config));
        return dir;
    }

    /** A layout holding an index of one image per architecture. */
    static Path index(Path dir, Map<String, Map<String, Object>> configByArchitecture) {
        OciLayoutWriter layout = new OciLayoutWriter(dir);
        ObjectNode index = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = index.putArray("manifests");
        configByArchitecture.forEach((arch, config) -> {
            ObjectNode entry = layout.manifest(arch, config);
            entry.putObject("platform").put("architecture", arch).put("os", "linux");
            manifests.add(entry);
        });
        layout.top(layout.blob("application/vnd.oci.image.index.v1+json", bytes(index)));
        return dir;
    }

    private ObjectNode manifest(String architecture, Map<String, Object> config) {
        byte[] tar = new byte[1024];
        ObjectNode layer = blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar));
        ObjectNode image =
                JSON.createObjectNode().put("architecture", architecture).put("os", "linux");
        image.set("config", JSON.valueToTree(config));
        image.putObject("rootfs").put("type", "layers").putArray("diff_ids").add("sha256:" + sha256(tar));
        ObjectNode manifest = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", blob("application/vnd.oci.image.config.v1+json", bytes(image)));
        manifest.putArray("layers").add(layer);
        return blob("application/vnd.oci.image.manifest.v1+json", bytes(manifest));
    }

    private void top(ObjectNode descriptor) {
        descriptor.putObject("annotations").put("org.opencontainers.image.ref.name", TAG);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").add(descriptor);
        write(dir.resolve("index.json"), bytes(index));
        write(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
    }

    private ObjectNode blob(String mediaType, byte[] content) {
        String hex = sha256(content);
        write(dir.resolve("blobs/sha256/" + hex), content);
        return JSON.createObjectNode()
                .put("mediaType", mediaType)
                .put("digest", "sha256:" + hex)
                .put("size", content.length);
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
