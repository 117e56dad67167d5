package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Server;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code probes}: a master keeps its socket open while its workers are dead or hung, so only an
 * HTTP probe on a health path sees the service is down. No path is ever invented.
 */
final class ProbesFix implements Fix {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");
    private static final List<String> TIMING = List.of("initialDelaySeconds", "periodSeconds", "timeoutSeconds",
            "failureThreshold", "successThreshold", "terminationGracePeriodSeconds");

    @Override
    public FixKind kind() {
        return FixKind.PROBES;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.server().isEmpty() || !pod.longRunning()) {
            return;
        }
        Server server = c.server().get();
        JsonNode liveness = c.node.get("livenessProbe");
        boolean tcpLiveness = liveness != null && liveness.has("tcpSocket");
        if (liveness != null && !tcpLiveness && !c.supervised()) {
            return;
        }
        if (!c.launch().http()) {
            pod.report(c, kind(), (tcpLiveness ? "tcpSocket liveness passes while workers hang; " : "") + server.name()
                    + " serves no HTTP (try " + server.note() + ")");
            return;
        }
        Optional<String> path = pod.options.healthPath(c.name);
        if (path.isEmpty()) {
            pod.report(c, kind(), (tcpLiveness ? "tcpSocket liveness passes while workers hang" : "no health path known")
                    + "; set " + PodOptions.HEALTH_PATH + " for HTTP probes");
            return;
        }
        Optional<String> annotatedPort = pod.options.healthPort(c.name);
        if (annotatedPort.isEmpty() && c.launch().bindHost().filter(LOOPBACK::contains).isPresent()) {
            pod.report(c, kind(), server.name() + " listens on " + c.launch().bindHost().get()
                    + ", which kubelet probes cannot reach; no probe added");
            return;
        }
        Optional<JsonNode> port = annotatedPort.map(ProbesFix::portNode).or(() -> serverPort(c));
        if (port.isEmpty()) {
            pod.report(c, kind(), "no port known; set " + PodOptions.HEALTH_PORT + " to add HTTP probes");
            return;
        }
        if (!c.supervised()) {
            ObjectNode http = probe(path.get(), port.get(), 10, 3);
            if (tcpLiveness) {
                keepTiming(liveness, http);
            }
            c.node.set("livenessProbe", http);
        }
        if (!c.node.has("readinessProbe")) {
            c.node.set("readinessProbe", probe(path.get(), port.get(), 5, 2));
        }
        if (server.slowStart() && !c.node.has("startupProbe")) {
            c.node.set("startupProbe", probe(path.get(), port.get(), 2, 60));
        }
        pod.applied(c, kind(), (tcpLiveness ? "tcpSocket liveness replaced: " : "")
                + (c.supervised() ? "HTTP readiness probe" : "HTTP probes") + " on port " + port.get().asText() + " " + path.get());
    }

    /** The server's listen port from its flags, else the first {@code containerPort}, else its default. */
    private static Optional<JsonNode> serverPort(ContainerDraft c) {
        if (c.launch().portFromFlags() && c.launch().port().isPresent()) {
            return Optional.of(Json.NODES.numberNode(c.launch().port().getAsInt()));
        }
        JsonNode first = c.node.path("ports").path(0).get("containerPort");
        if (first != null && first.canConvertToInt()) {
            return Optional.of(Json.NODES.numberNode(first.asInt()));
        }
        if (c.launch().port().isPresent()) {
            return Optional.of(Json.NODES.numberNode(c.launch().port().getAsInt()));
        }
        return Optional.empty();
    }

    /** A replaced probe keeps the timing its author chose. */
    static void keepTiming(JsonNode from, ObjectNode to) {
        for (String field : TIMING) {
            if (from.has(field)) {
                to.set(field, from.get(field));
            }
        }
    }

    private static JsonNode portNode(String port) {
        return port.chars().allMatch(Character::isDigit)
                ? Json.NODES.numberNode(Integer.parseInt(port))
                : Json.NODES.textNode(port);
    }

    private static ObjectNode probe(String path, JsonNode port, int periodSeconds, int failureThreshold) {
        ObjectNode probe = Json.NODES.objectNode();
        ObjectNode get = probe.putObject("httpGet");
        get.put("path", path);
        get.set("port", port);
        probe.put("periodSeconds", periodSeconds);
        probe.put("timeoutSeconds", 3);
        probe.put("failureThreshold", failureThreshold);
        return probe;
    }
}
