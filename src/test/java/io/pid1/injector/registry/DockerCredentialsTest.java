package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerCredentialsTest {

    @TempDir
    Path dir;

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String auth(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "registry.example:5000           | registry.example:5000",
                "https://Registry.Example/v2/    | registry.example",
                "https://index.docker.io/v1/     | registry-1.docker.io",
                "docker.io                       | registry-1.docker.io",
            })
    void hostKeysAreNormalised(String key, String host) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}}".formatted(key, auth("u:p")));
        assertEquals(Map.of(host, basic("u:p")), DockerCredentials.read(file));
    }

    @Test
    void usernameAndPasswordFieldsWorkAndBrokenEntriesAreSkipped() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"auths": {
                  "a.example": {"username": "bob", "password": "pw:x"},
                  "b.example": {"auth": "%s"},
                  "c.example": {"auth": "!!not base64"},
                  "d.example": {"identitytoken": "abc"}
                }}""".formatted(auth("nocolon")));
        assertEquals(Map.of("a.example", basic("bob:pw:x")), DockerCredentials.read(file));
    }

    @Test
    void anUnreadableFileGivesNoCredentials() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{not json");
        assertEquals(Map.of(), DockerCredentials.read(file));
        assertEquals(Map.of(), DockerCredentials.read(dir.resolve("missing.json")));
    }

    @Test
    void aChangedFileIsReadAgain() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\": {\"r.example\": {\"auth\": \"%s\"}}}".formatted(auth("u:old")));
        DockerCredentials credentials = new DockerCredentials(Optional.of(file));
        assertEquals(Optional.of(basic("u:old")), credentials.basic("r.example"));
        Files.writeString(file, "{\"auths\": {\"r.example\": {\"auth\": \"%s\"}}}".formatted(auth("u:new")));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(Optional.of(basic("u:new")), credentials.basic("R.EXAMPLE"));
        Files.delete(file);
        assertEquals(Optional.empty(), credentials.basic("r.example"));
    }
}
