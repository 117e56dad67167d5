package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pid1.injector.core.ImageFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A registry with htpasswd (basic) auth; credentials come from a Docker config.json. */
class BasicAuthTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret:with:colons";

    @TempDir
    static Path dir;

    static TestRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 4) + "\n");
        registry = TestRegistry.start(Files.createDirectory(dir.resolve("registry")), """
                auth:
                  htpasswd:
                    realm: pid1-test
                    path: %s
                """.formatted(htpasswd));
        Path layout =
                OciLayoutWriter.image(dir.resolve("layout"), "amd64", Map.of("Cmd", List.of("gunicorn", "app:app")));
        for (String repositoryAndTag : List.of("private:v1", "other:v1")) {
            registry.push(layout, repositoryAndTag, false, Optional.of(USER + ":" + PASSWORD));
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static ImageResolver resolver(String configJson) throws Exception {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, configJson);
        return ImageResolver.create(RegistrySettings.defaults()
                .withInsecureHosts(Set.of(registry.host()))
                .withInternalAllowed(Set.of(registry.host()))
                .withAuthFile(file));
    }

    private static String authEntry(String password) {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}}".formatted(registry.host(), auth);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth", "username"})
    void credentialsOfTheConfigJsonAreUsed(String form) throws Exception {
        String config = form.equals("auth")
                ? authEntry(PASSWORD)
                : "{\"auths\": {\"http://%s/v2/\": {\"username\": \"%s\", \"password\": \"%s\"}}}"
                        .formatted(registry.host(), USER, PASSWORD);
        String image = registry.host() + "/private:v1";
        ImageFacts facts = resolver(config).resolve(Pods.of(image));
        assertEquals(Map.of(), facts.failures());
        assertEquals(
                List.of("gunicorn", "app:app"),
                facts.config(image).orElseThrow().cmd());
    }

    @Test
    void aWrongPasswordIsA401() throws Exception {
        String image = registry.host() + "/private:v1";
        ImageFacts facts = resolver(authEntry("wrong")).resolve(Pods.of(image));
        assertEquals(Map.of(image, "401 from registry"), facts.failures());
    }

    @Test
    void noCredentialsForTheHostIsA401NamingIt() throws Exception {
        String image = registry.host() + "/private:v1";
        ImageFacts facts = resolver("{\"auths\": {\"elsewhere:5000\": {\"auth\": \"dTpw\"}}}")
                .resolve(Pods.of(image));
        assertEquals(Map.of(image, "401 from registry (no credentials for " + registry.host() + ")"), facts.failures());
    }

    @Test
    void anAnsweredChallengeIsRememberedForTheRepository() throws Exception {
        ImageResolver resolver = resolver(authEntry(PASSWORD));
        String first = registry.host() + "/other:v1";
        assertEquals(Map.of(), resolver.resolve(Pods.of(first)).failures());
        assertEquals(1, registry.unauthorized("/v2/other/"), "one challenge");
        assertEquals(3, registry.requests("/v2/other/"), "the challenged manifest, again with credentials, the blob");
    }
}
