package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pid1.injector.webhook.WebhookConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile registry steering the webhook into internal URLs (issue 20, High 2). The registry is a JDK HTTP server
 * on loopback that the settings allow explicitly; the "internal" service is a {@link SilentServer} on another
 * loopback port, not allowed, that must see no connection at all. Settings go through property names, as the
 * webhook reads them.
 */
class HostileRegistryTest {

    @TempDir
    Path dir;

    private HttpServer registry;
    private SilentServer internal;
    private final Map<String, String> challenges = new HashMap<>();
    private final Map<String, String> redirects = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        internal = new SilentServer();
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", this::answer);
        registry.start();
    }

    @AfterEach
    void stop() throws IOException {
        registry.stop(0);
        internal.close();
    }

    private String registryHost() {
        return "127.0.0.1:" + registry.getAddress().getPort();
    }

    /** The internal service by name: {@code localhost} resolves to loopback addresses. */
    private String internalByName() {
        return internal.host().replace("127.0.0.1", "localhost");
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Optional<String> challenge =
                    challenges.keySet().stream().filter(path::startsWith).findFirst();
            Optional<String> redirect =
                    redirects.keySet().stream().filter(path::startsWith).findFirst();
            if (challenge.isPresent()) {
                exchange.getResponseHeaders().add("WWW-Authenticate", challenges.get(challenge.get()));
                exchange.sendResponseHeaders(401, -1);
            } else if (redirect.isPresent()) {
                exchange.getResponseHeaders().add("Location", redirects.get(redirect.get()));
                exchange.sendResponseHeaders(307, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    /** Resolves one image with the registry allowed on loopback over plain HTTP, and these settings on top. */
    private Map<String, String> failures(String repository, Map<String, String> settings) throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(
                config, "{\"auths\": {\"%s\": {\"username\": \"u\", \"password\": \"p\"}}}".formatted(registryHost()));
        Map<String, String> properties = new HashMap<>(Map.of(
                "pid1.registry.insecure", registryHost(),
                "pid1.registry.allow-internal", registryHost(),
                "pid1.registry.timeout-ms", "1500",
                "pid1.registry.auth-file", config.toString()));
        settings.forEach((name, value) -> properties.merge(name, value, (a, b) -> a + "," + b));
        ImageResolver resolver =
                ImageResolver.create(WebhookConfig.of(properties).registry().settings());
        return resolver.resolve(Pods.of(registryHost() + "/" + repository + ":v1"))
                .failures();
    }

    private String image(String repository) {
        return registryHost() + "/" + repository + ":v1";
    }

    @Test
    void aTokenRealmOverPlainHttpIsNotFetched() throws IOException {
        challenges.put("/v2/app/", "Bearer realm=\"http://%s/token\",service=\"x\"".formatted(internal.host()));
        assertEquals(
                Map.of(
                        image("app"),
                        "refused http://" + internal.host() + ": only HTTPS, or plain HTTP to PID1_REGISTRY_INSECURE"),
                failures("app", Map.of()));
        assertEquals(0, internal.connections());
    }

    @Test
    void aTokenRealmOnALoopbackNameIsNotFetchedEvenOverAllowedPlainHttp() throws IOException {
        challenges.put("/v2/app/", "Bearer realm=\"http://%s/token\"".formatted(internalByName()));
        String reason = failures("app", Map.of("pid1.registry.insecure", internalByName()))
                .get(image("app"));
        assertEquals(
                true,
                reason.matches(
                        "refused " + internalByName()
                                + ": (127\\.0\\.0\\.1|0:0:0:0:0:0:0:1) is a loopback address \\(PID1_REGISTRY_ALLOW_INTERNAL\\)"),
                reason);
        assertEquals(0, internal.connections());
    }

    @Test
    void aTokenRealmOnTheMetadataAddressIsNotContacted() throws IOException {
        challenges.put("/v2/app/", "Bearer realm=\"https://169.254.169.254/latest/api/token\"");
        assertEquals(
                Map.of(
                        image("app"),
                        "refused 169.254.169.254: 169.254.169.254 is a link-local address"
                                + " (PID1_REGISTRY_ALLOW_INTERNAL)"),
                failures("app", Map.of()));
        challenges.put("/v2/gce/", "Bearer realm=\"https://metadata.google.internal/computeMetadata/v1/token\"");
        assertEquals(
                Map.of(image("gce"), "refused metadata.google.internal: a metadata service"),
                failures("gce", Map.of()));
    }

    @Test
    void aRedirectToAnInternalHostIsNotFollowed() throws IOException {
        redirects.put("/v2/app/", "http://%s/latest/meta-data/".formatted(internalByName()));
        String reason = failures("app", Map.of("pid1.registry.insecure", internalByName()))
                .get(image("app"));
        assertEquals(true, reason.startsWith("refused " + internalByName() + ": "), reason);
        assertEquals(0, internal.connections());
    }

    @Test
    void theTokenServiceIsNotFollowedToAnotherHost() throws IOException {
        challenges.put("/v2/app/", "Bearer realm=\"http://%s/token\"".formatted(registryHost()));
        redirects.put("/token", "http://%s/token".formatted(internal.host()));
        Map<String, String> internalAllowed =
                Map.of("pid1.registry.insecure", internal.host(), "pid1.registry.allow-internal", internal.host());
        assertEquals(
                Map.of(image("app"), "token service redirected to another host, not followed"),
                failures("app", internalAllowed));
        assertEquals(0, internal.connections(), "the registry's basic credentials would have gone there");
    }

    @Test
    void aRegistryOutsideTheAllowListIsNotAsked() throws IOException {
        int[] requests = {0};
        registry.createContext("/v2/", exchange -> {
            requests[0]++;
            answer(exchange);
        });
        assertEquals(
                Map.of(image("app"), "registry " + registryHost() + " is not in PID1_REGISTRY_ALLOW"),
                failures("app", Map.of("pid1.registry.allow", "docker.io, ghcr.io")));
        assertEquals(0, requests[0]);
        assertEquals(
                Map.of(image("app"), "404 from registry"),
                failures("app", Map.of("pid1.registry.allow", "127.0.0.1")),
                "its host allows any port");
        assertEquals(1, requests[0]);
    }

    @Test
    void aRegistryOnALoopbackAddressIsNotAskedUnlessAllowed() throws IOException {
        String host = internal.host();
        ImageResolver resolver = ImageResolver.create(WebhookConfig.of(Map.of("pid1.registry.insecure", host))
                .registry()
                .settings());
        assertEquals(
                Map.of(
                        host + "/app:v1",
                        "refused " + host + ": 127.0.0.1 is a loopback address (PID1_REGISTRY_ALLOW_INTERNAL)"),
                resolver.resolve(Pods.of(host + "/app:v1")).failures());
        assertEquals(0, internal.connections());
    }
}
