package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docker-registry does not do on its own: redirects to another host (as registries do to blob storage)
 * and oversized answers. A loopback JDK HTTP server plays those parts.
 */
class HttpEdgesTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, Optional<String>> authorizationByPath = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Optional<String> authorization =
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
            authorizationByPath.put(path, authorization);
            switch (path) {
                case "/v2/app/blobs/sha256:abc" -> {
                    if (authorization.isEmpty()) {
                        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                        exchange.sendResponseHeaders(401, -1);
                    } else {
                        String elsewhere =
                                "http://localhost:" + server.getAddress().getPort() + "/storage/abc";
                        exchange.getResponseHeaders().add("Location", elsewhere);
                        exchange.sendResponseHeaders(307, -1);
                    }
                }
                case "/storage/abc" -> send(exchange, "{}".getBytes(), false);
                case "/v2/app/blobs/sha256:declared" -> send(exchange, new byte[100 * 1024], false);
                case "/v2/app/blobs/sha256:chunked" -> send(exchange, new byte[100 * 1024], true);
                default -> exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void send(HttpExchange exchange, byte[] body, boolean chunked) throws IOException {
        exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < body.length; i += 512) {
                out.write(body, i, Math.min(512, body.length - i));
                out.flush();
            }
        }
    }

    private RegistryClient client() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(
                config, "{\"auths\": {\"%s\": {\"username\": \"u\", \"password\": \"p\"}}}".formatted(host()));
        Set<String> loopback = Set.of(host(), "localhost:" + server.getAddress().getPort());
        return new RegistryClient(
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(Executors.newCachedThreadPool())
                        .build(),
                new DockerCredentials(Optional.of(config)),
                new EgressPolicy(loopback, loopback));
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(5));
    }

    @Test
    void credentialsAreNotCarriedToAnotherHost() throws Exception {
        ImageReference image = ImageReference.parse(host() + "/app:v1");
        RegistryClient.Fetched fetched =
                client().get(image, "blobs/sha256:abc", "*/*", 1024, deadline()).join();
        assertEquals("{}", new String(fetched.body()));
        assertEquals(Optional.of("Basic dTpw"), authorizationByPath.get("/v2/app/blobs/sha256:abc"));
        assertEquals(Optional.empty(), authorizationByPath.get("/storage/abc"));
    }

    @Test
    void bodiesOverTheLimitAreRefused() throws Exception {
        ImageReference image = ImageReference.parse(host() + "/app:v1");
        for (String digest : List.of("sha256:declared", "sha256:chunked")) {
            CompletionException e = assertThrows(
                    CompletionException.class,
                    () -> client().get(image, "blobs/" + digest, "*/*", 1024, deadline())
                            .join());
            assertEquals(
                    "response larger than 1 KiB",
                    LookupFailure.of(e, image.registry(), deadline()).reason(),
                    digest);
        }
    }
}
