package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pid1.injector.testing.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another pod on the network cannot stop the server through the shim. A real shim, listening on all
 * interfaces as in a pod, supervises a real nginx; a client in a network namespace of its own,
 * joined to this one by a veth pair, reaches the shim at a non-loopback address as a neighbour pod
 * reaches a pod IP. Without the pod's drain token its {@code /drain} gets 403 and nginx keeps
 * serving; with the token (what the kubelet's preStop presents) the drain works from there too.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DrainFromNetworkTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private final String suffix =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    private final String namespace = "pid1-neighbour-" + suffix;
    private final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
    private boolean made;
    private int nginxPort;
    private int shimPort;

    @BeforeEach
    void neighbourNetwork() throws Exception {
        assumeTrue(PidNamespace.root(), "needs root to make PID and network namespaces");
        nginxPort = LoopbackPorts.free();
        shimPort = LoopbackPorts.free();
        String host = "p1h" + suffix;
        String peer = "p1p" + suffix;
        ip("netns", "add", namespace);
        made = true;
        ip("link", "add", host, "type", "veth", "peer", "name", peer);
        ip("link", "set", peer, "netns", namespace);
        ip("addr", "add", subnet + "1/30", "dev", host);
        ip("link", "set", host, "up");
        ip("netns", "exec", namespace, "ip", "addr", "add", subnet + "2/30", "dev", peer);
        ip("netns", "exec", namespace, "ip", "link", "set", peer, "up");
    }

    @AfterEach
    void removeNetwork() throws Exception {
        if (made) {
            ip("netns", "del", namespace);
        }
    }

    @Test
    void aNeighbourWithoutTheTokenCannotDrainAndTheServerKeepsServing() throws Exception {
        List<String> nginx =
                NginxDrainTest.nginx(dir, "listen 127.0.0.1:" + nginxPort + "; location / { return 200; }\n");
        String config = String.format("""
                {"host": "0.0.0.0", "port": %d, "drainToken": "%s", "containers": [{"name": "proxy", "argv": %s,
                 "server": "nginx", "workers": 2, "httpPort": %d, "gracefulSignal": "SIGQUIT", "gracefulSeconds": 10,
                 "drainSeconds": 0.2}]}""", shimPort, PidNamespace.DRAIN_TOKEN, GunicornShimTest.json(nginx), nginxPort);
        try (PidNamespace ns = PidNamespace.start(dir, config, List.of(nginx))) {
            awaitHealthy(ns);
            int master = master(ns).orElseThrow();

            for (String authorization : new String[] {null, "Bearer wrong-token-of-22-chars", "Bearer "}) {
                Neighbour answer = fromNeighbour("/drain/proxy", authorization);
                assertEquals("403 drain needs the pod's drain token", answer.toString(), ns.log());
            }
            assertEquals("200", fromNeighbour("/workers/proxy", null).status, "health stays open to the kubelet");
            Thread.sleep(1000);
            assertEquals(OptionalInt.of(master), master(ns), "the same master still runs");
            assertEquals(200, local(nginxPort, "/").statusCode(), "nginx still serves");
            assertTrue(ns.log().contains("refused a drain from " + subnet + "2: no valid drain token"), ns.log());

            Neighbour drained = fromNeighbour("/drain/proxy", "Bearer " + PidNamespace.DRAIN_TOKEN);
            assertTrue(
                    drained.toString().matches("200 drained: master \\d+ exited \\d+\\.\\d s after SIGQUIT"),
                    drained + "\n" + ns.log());
            assertEquals(OptionalInt.empty(), master(ns), "the kubelet's token drains: nginx is gone");
        }
    }

    private static OptionalInt master(PidNamespace ns) {
        return ns.processes().stream()
                .map(p -> ProcFs.system().process((int) p.pid()))
                .flatMap(Optional::stream)
                .filter(p ->
                        p.running() && !p.argv().isEmpty() && p.argv().get(0).startsWith("nginx: master process"))
                .mapToInt(ProcessInfo::pid)
                .findFirst();
    }

    /** Status and body of a GET to the shim's non-loopback address, sent from the neighbour's namespace. */
    private Neighbour fromNeighbour(String path, String authorization) throws Exception {
        List<String> curl = new ArrayList<>(
                List.of("ip", "netns", "exec", namespace, "curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        if (authorization != null) {
            curl.addAll(List.of("-H", "Authorization: " + authorization));
        }
        curl.add("http://" + subnet + "1:" + shimPort + path);
        String out = run(curl).strip();
        int last = out.lastIndexOf('\n');
        return new Neighbour(
                out.substring(last + 1), last < 0 ? "" : out.substring(0, last).strip());
    }

    private record Neighbour(String status, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private static HttpResponse<String> local(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitHealthy(PidNamespace ns) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (local(shimPort, "/workers/proxy").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nginx and the shim did not come up:\n" + ns.log());
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
