package io.pid1.injector.registry;

import io.pid1.injector.testing.LoopbackPorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's {@code docker-registry} on 127.0.0.1 with a free port and its own storage, access log on; images are
 * pushed with {@code skopeo}. Requests of the resolver are counted from the access log (by its user agent).
 */
final class TestRegistry implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String host;

    private TestRegistry(Process process, Path log, String host) {
        this.process = process;
        this.log = log;
        this.host = host;
    }

    /** Starts a registry in {@code dir}; {@code authYaml} is its {@code auth:} section, or empty. */
    static TestRegistry start(Path dir, String authYaml) throws IOException, InterruptedException {
        int port = LoopbackPorts.free();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                  secret: pid1-test-secret
                %s
                """.formatted(dir.resolve("storage"), port, authYaml));
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TestRegistry registry = new TestRegistry(process, log, "127.0.0.1:" + port);
        registry.awaitListening(port);
        return registry;
    }

    private void awaitListening(int port) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("docker-registry did not listen within 10 s");
    }

    /** {@code 127.0.0.1:port}. */
    String host() {
        return host;
    }

    /** Copies the layout's image to {@code repository:tag}, as a Docker v2 manifest when {@code dockerV2}. */
    void push(Path layout, String repositoryAndTag, boolean dockerV2, Optional<String> credentials)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("skopeo", "--insecure-policy", "copy", "--quiet", "--all", "--dest-tls-verify=false"));
        if (dockerV2) {
            command.addAll(List.of("--format", "v2s2"));
        }
        credentials.ifPresent(c -> command.addAll(List.of("--dest-creds", c)));
        command.add("oci:" + layout + ":" + OciLayoutWriter.TAG);
        command.add("docker://" + host + "/" + repositoryAndTag);
        Process skopeo = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(skopeo.getInputStream().readAllBytes());
        if (!skopeo.waitFor(30, TimeUnit.SECONDS) || skopeo.exitValue() != 0) {
            skopeo.destroyForcibly();
            throw new IOException("skopeo copy failed: " + output);
        }
    }

    /** The manifest digest of an anonymous repository's tag, asked by another client than the resolver. */
    String digest(String repositoryAndTag) throws IOException, InterruptedException {
        return manifestHeaders(repositoryAndTag)
                .firstValue("docker-content-digest")
                .orElseThrow();
    }

    /** The media type the registry serves an anonymous repository's tag with. */
    String contentType(String repositoryAndTag) throws IOException, InterruptedException {
        return manifestHeaders(repositoryAndTag).firstValue("content-type").orElseThrow();
    }

    private HttpHeaders manifestHeaders(String repositoryAndTag) throws IOException, InterruptedException {
        int colon = repositoryAndTag.lastIndexOf(':');
        URI uri = URI.create("http://" + host + "/v2/" + repositoryAndTag.substring(0, colon) + "/manifests/"
                + repositoryAndTag.substring(colon + 1));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", Manifests.ACCEPT)
                .GET()
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .headers();
    }

    /** GETs of the resolver whose path starts with {@code pathPrefix} (e.g. {@code /v2/app/manifests/}). */
    long requests(String pathPrefix) throws IOException, InterruptedException {
        return settled(line -> true, pathPrefix);
    }

    /** Those of {@link #requests} answered with 401. */
    long unauthorized(String pathPrefix) throws IOException, InterruptedException {
        return settled(line -> line.contains("\" 401 "), pathPrefix);
    }

    /** Counts access-log lines until the count stops moving (a line is written as its answer is sent). */
    private long settled(Predicate<String> filter, String pathPrefix) throws IOException, InterruptedException {
        long seen = count(filter, pathPrefix);
        while (true) {
            Thread.sleep(30);
            long again = count(filter, pathPrefix);
            if (again == seen) {
                return seen;
            }
            seen = again;
        }
    }

    private long count(Predicate<String> filter, String pathPrefix) throws IOException {
        String needle = "\"GET " + pathPrefix;
        return Files.readAllLines(log).stream()
                .filter(line -> line.contains(needle) && line.contains("\"pid1-injector\""))
                .filter(filter)
                .count();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
