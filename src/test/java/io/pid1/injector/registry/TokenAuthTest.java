package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pid1.injector.core.ImageFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer-token flow against docker-registry's {@code auth: token} and a token service of the test. */
class TokenAuthTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "token-pass";

    @TempDir
    static Path dir;

    static TokenServer tokens;
    static TestRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        tokens = new TokenServer(USER, PASSWORD);
        registry = TestRegistry.start(Files.createDirectory(dir.resolve("registry")), """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(
                        tokens.realm(),
                        TokenServer.SERVICE,
                        TokenServer.ISSUER,
                        tokens.writeRootBundle(dir.resolve("root.pem"))));
        Path layout = OciLayoutWriter.image(
                dir.resolve("layout"),
                "amd64",
                Map.of("Entrypoint", List.of("tini", "--"), "Cmd", List.of("celery", "worker")));
        for (String repositoryAndTag : List.of("app:v1", "app:v2", "once:v1")) {
            registry.push(layout, repositoryAndTag, false, Optional.of(USER + ":" + PASSWORD));
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
        tokens.close();
    }

    private static ImageResolver resolver(String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, "{\"auths\": {\"%s\": {\"auth\": \"%s\"}}}".formatted(registry.host(), auth));
        return ImageResolver.create(RegistrySettings.defaults()
                .withInsecureHosts(Set.of(registry.host(), tokens.host()))
                .withInternalAllowed(Set.of(registry.host(), tokens.host()))
                .withAuthFile(file));
    }

    @Test
    void aTokenFromTheChallengesRealmOpensTheRepository() throws Exception {
        String image = registry.host() + "/app:v1";
        ImageFacts facts = resolver(PASSWORD).resolve(Pods.of(image));
        assertEquals(Map.of(), facts.failures());
        assertEquals(List.of("tini", "--"), facts.config(image).orElseThrow().entrypoint());
    }

    @Test
    void theTokenIsReusedForTheRepository() throws Exception {
        ImageResolver resolver = resolver(PASSWORD);
        int before = tokens.issued();
        String first = registry.host() + "/once:v1";
        assertEquals(Map.of(), resolver.resolve(Pods.of(first)).failures());
        assertEquals(before + 1, tokens.issued());
        assertEquals(1, registry.unauthorized("/v2/once/"));
        assertEquals(3, registry.requests("/v2/once/"), "the challenged manifest, again with the token, the blob");
    }

    @Test
    void aWrongPasswordIsRefusedByTheTokenService() throws Exception {
        String image = registry.host() + "/app:v2";
        ImageFacts facts = resolver("wrong").resolve(Pods.of(image));
        assertEquals(Map.of(image, "401 from token service"), facts.failures());
    }
}
