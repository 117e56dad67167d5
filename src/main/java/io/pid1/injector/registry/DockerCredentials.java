package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Basic credentials per registry host from a Docker {@code config.json} ({@code auths.<host>.auth}, or
 * {@code username}/{@code password}). The file is read again when it changes (a mounted Secret is updated in
 * place). Credential helpers and identity tokens are not supported.
 */
final class DockerCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());

    private record Snapshot(FileTime modified, Map<String, String> headers) {}

    DockerCredentials(Optional<Path> file) {
        this.file = file;
    }

    /** The {@code Authorization} value of basic credentials for this registry host. */
    Optional<String> basic(String registry) {
        return Optional.ofNullable(current().headers().get(registry.toLowerCase(Locale.ROOT)));
    }

    private Snapshot current() {
        if (file.isEmpty()) {
            return snapshot;
        }
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file.get());
        } catch (IOException e) {
            return snapshot = new Snapshot(null, Map.of());
        }
        Snapshot seen = snapshot;
        if (modified.equals(seen.modified())) {
            return seen;
        }
        return snapshot = new Snapshot(modified, read(file.get()));
    }

    /** Authorization values by registry host; an unreadable file gives none. */
    static Map<String, String> read(Path path) {
        JsonNode auths;
        try {
            auths = JSON.readTree(path.toFile()).path("auths");
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, String> headers = new HashMap<>();
        auths.fields()
                .forEachRemaining(entry -> userPass(entry.getValue())
                        .ifPresent(pair -> headers.put(
                                host(entry.getKey()),
                                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))));
        return Map.copyOf(headers);
    }

    private static Optional<String> userPass(JsonNode entry) {
        String auth = entry.path("auth").asText("");
        if (!auth.isBlank()) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
                return pair.indexOf(':') > 0 ? Optional.of(pair) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String user = entry.path("username").asText("");
        return user.isEmpty()
                ? Optional.empty()
                : Optional.of(user + ":" + entry.path("password").asText(""));
    }

    /** {@code https://index.docker.io/v1/} and {@code docker.io} both mean Docker Hub's API host. */
    private static String host(String key) {
        String host = key.strip().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
        int slash = host.indexOf('/');
        return ImageReference.hubAlias(slash < 0 ? host : host.substring(0, slash));
    }
}
