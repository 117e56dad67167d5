package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code probes}: a master keeps its socket open while its workers are dead or hung, so only a
 * check that reaches a worker sees the service is down. A known health path gets real
 * {@code httpGet} probes; otherwise the project's {@code pid1-probe} runs as an {@code exec} probe:
 * any HTTP answer on the server's own port, or for servers without HTTP, live worker processes.
 */
final class ProbesFix implements Fix {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");
    private static final Set<String> EVERY_ADDRESS = Set.of("0.0.0.0", "::", "[::]", "*", "");
    private static final List<String> TIMING = List.of(
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
            "successThreshold",
            "terminationGracePeriodSeconds");
    /** Inits that start the server as their own child (s6-overlay's {@code /init} does not). */
    private static final Set<String> DIRECT_INITS = Set.of("tini", "dumb-init", "catatonit");

    @Override
    public FixKind kind() {
        return FixKind.PROBES;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.server().isEmpty() || !pod.longRunning()) {
            return;
        }
        JsonNode liveness = c.node.get("livenessProbe");
        boolean tcpLiveness = liveness != null && liveness.has("tcpSocket");
        if (liveness != null && !tcpLiveness && !c.supervised()) {
            return;
        }
        Optional<String> path = c.launch().http() ? pod.options.healthPath(c.name) : Optional.empty();
        Optional<String> annotatedPort = c.launch().http() ? pod.options.healthPort(c.name) : Optional.empty();
        boolean loopback = c.launch().bindHost().filter(LOOPBACK::contains).isPresent();
        if (path.isPresent() && (c.supervised() || !loopback || annotatedPort.isPresent())) {
            healthPathProbes(pod, c, path.get(), annotatedPort, tcpLiveness);
        } else if (c.supervised()) {
            pod.report(
                    c,
                    kind(),
                    c.launch().http()
                            ? "no health path known; set " + PodOptions.HEALTH_PATH + " for an HTTP readiness probe"
                            : c.subject() + " serves no HTTP; no readiness probe added");
        } else if (pod.binariesTaken.isPresent()) {
            pod.report(
                    c,
                    kind(),
                    "no health path known, and the pod's own " + PodDraft.INIT_CONTAINER + " or " + PodDraft.VOLUME
                            + " keeps out pid1-probe; set " + PodOptions.HEALTH_PATH + " for HTTP probes");
        } else if (c.launch().http()) {
            genericHttp(pod, c, annotatedPort, tcpLiveness);
        } else {
            genericWorkers(pod, c, tcpLiveness);
        }
    }

    /** {@code httpGet} probes on the author's health path (HTTPS when the server serves TLS). */
    private void healthPathProbes(
            PodDraft pod, ContainerDraft c, String path, Optional<String> annotatedPort, boolean tcpLiveness) {
        if (annotatedPort.isEmpty()
                && c.launch().bindHost().filter(LOOPBACK::contains).isPresent()) {
            pod.report(
                    c,
                    kind(),
                    c.subject() + " listens on " + c.launch().bindHost().get()
                            + ", which kubelet probes cannot reach; no probe added");
            return;
        }
        Optional<JsonNode> port = annotatedPort.map(ProbesFix::portNode).or(() -> serverPort(c, true));
        if (port.isEmpty()) {
            pod.report(c, kind(), "no port known; set " + PodOptions.HEALTH_PORT + " to add HTTP probes");
            return;
        }
        String scheme = c.launch().tls() ? "HTTPS" : "HTTP";
        if (!c.supervised()) {
            ObjectNode http = probe(path, port.get(), scheme, 10, 3);
            if (tcpLiveness) {
                keepTiming(c.node.get("livenessProbe"), http);
            }
            c.node.set("livenessProbe", http);
        }
        JsonNode authorsReadiness = c.node.get("readinessProbe");
        if (!c.node.has("readinessProbe")) {
            c.node.set("readinessProbe", probe(path, port.get(), scheme, 5, 2));
        }
        boolean startup = false;
        if (c.server().get().slowStart() && !c.node.has("startupProbe")) {
            c.node.set("startupProbe", probe(path, port.get(), scheme, 2, 60));
        } else if (tcpLiveness && !c.supervised() && !c.node.has("startupProbe")) {
            c.node.set("startupProbe", startupOnPath(path, port.get(), scheme, authorsReadiness));
            startup = true;
        }
        pod.applied(
                c,
                kind(),
                (tcpLiveness ? "tcpSocket liveness replaced: " : "")
                        + (c.supervised() ? scheme + " readiness probe" : scheme + " probes") + " on port "
                        + port.get().asText() + " " + path + (startup ? ", startup probe first" : ""));
    }

    /**
     * An HTTP health path may answer later than the port opens, which was all a {@code tcpSocket} liveness
     * waited for: the replacement is held off by a startup probe with the generic check's five minutes,
     * waiting first as long as the author's readiness probe does.
     */
    private static ObjectNode startupOnPath(String path, JsonNode port, String scheme, JsonNode authorsReadiness) {
        ObjectNode startup = probe(path, port, scheme, 0, 0);
        startup.remove(List.of("periodSeconds", "timeoutSeconds", "failureThreshold"));
        startup.setAll(GenericCheck.startup(authorsReadiness));
        return startup;
    }

    /** {@code pid1-probe http PORT}: any HTTP status line from the server's own port means a worker answered. */
    private void genericHttp(PodDraft pod, ContainerDraft c, Optional<String> annotatedPort, boolean tcpLiveness) {
        if (c.launch().tls()) {
            pod.report(
                    c,
                    kind(),
                    c.subject() + " serves TLS (pid1-probe speaks HTTP only); set " + PodOptions.HEALTH_PATH
                            + " for HTTPS probes");
            return;
        }
        Optional<String> host = c.launch().bindHost().filter(h -> !LOOPBACK.contains(h) && !EVERY_ADDRESS.contains(h));
        if (host.isPresent()) {
            pod.report(
                    c,
                    kind(),
                    c.subject() + " listens on " + host.get() + ", not loopback; set " + PodOptions.HEALTH_PATH
                            + " for HTTP probes");
            return;
        }
        Optional<JsonNode> port = annotatedPort
                .map(p -> numbered(c, portNode(p)))
                .or(() -> serverPort(c, false))
                .filter(JsonNode::canConvertToInt);
        if (port.isEmpty()) {
            pod.report(
                    c,
                    kind(),
                    "no port number in flags or containerPort; set " + PodOptions.HEALTH_PORT + " for pid1-probe");
            return;
        }
        int number = port.get().asInt();
        pod.mountBinary(c, PodDraft.PROBE);
        ObjectNode liveness = GenericCheck.liveness();
        if (tcpLiveness) {
            keepTiming(c.node.get("livenessProbe"), liveness);
        }
        List<String> added = new ArrayList<>(List.of("liveness"));
        c.node.set("livenessProbe", GenericCheck.command(liveness, GenericCheck.http(number, liveness)));
        if (!c.node.has("readinessProbe")) {
            ObjectNode readiness = GenericCheck.readiness();
            c.node.set("readinessProbe", GenericCheck.command(readiness, GenericCheck.http(number, readiness)));
            added.add("readiness");
        }
        addStartup(c, added, startup -> GenericCheck.http(number, startup));
        pod.applied(
                c,
                kind(),
                said("pid1-probe http " + number, added, tcpLiveness)
                        + (tcpLiveness ? "" : ": any HTTP answer counts"));
    }

    /** {@code pid1-probe workers}: the master and its worker processes, for servers with no HTTP port. */
    private void genericWorkers(PodDraft pod, ContainerDraft c, boolean tcpLiveness) {
        if (pod.hostPid() || pod.sharesProcessNamespace()) {
            pod.report(
                    c,
                    kind(),
                    "shared PID namespace: pid1-probe cannot find " + c.subject() + "'s master; " + PodOptions.INIT
                            + ": " + InitMode.SHIM.id() + " can");
            return;
        }
        boolean underInit = c.applied.contains(FixKind.INIT)
                || c.launch().init().filter(DIRECT_INITS::contains).isPresent();
        if (!c.serverIsDirect() || c.script().isPresent() || c.launch().init().isPresent() && !underInit) {
            pod.report(
                    c,
                    kind(),
                    "pid1-probe cannot find " + c.subject() + "'s master (not PID 1 or its init's child);"
                            + " no probe added");
            return;
        }
        int min = c.launch().childWorkers() ? Math.max(1, c.launch().workers().orElse(1)) : 0;
        List<String> argv = GenericCheck.workers(min, underInit);
        pod.mountBinary(c, PodDraft.PROBE);
        ObjectNode liveness = GenericCheck.liveness();
        if (tcpLiveness) {
            keepTiming(c.node.get("livenessProbe"), liveness);
        }
        c.node.set("livenessProbe", GenericCheck.command(liveness, argv));
        List<String> added = new ArrayList<>(List.of("liveness"));
        addStartup(c, added, startup -> argv);
        pod.applied(
                c,
                kind(),
                said("pid1-probe workers --min " + min, added, tcpLiveness)
                        + (tcpLiveness ? "" : ": master and workers alive"));
    }

    /** "X as liveness, readiness, startup", or "X replaces tcpSocket liveness (timing kept); also …". */
    private static String said(String check, List<String> added, boolean tcpLiveness) {
        if (!tcpLiveness) {
            return check + " as " + String.join(", ", added);
        }
        List<String> also = added.subList(1, added.size());
        return check + " replaces tcpSocket liveness (timing kept)"
                + (also.isEmpty() ? "" : "; also " + String.join(", ", also));
    }

    /** @param check the check's argv, fitted to the probe it runs in ({@link GenericCheck#http}) */
    private static void addStartup(ContainerDraft c, List<String> added, Function<JsonNode, List<String>> check) {
        if (!c.node.has("startupProbe")) {
            ObjectNode startup = GenericCheck.startupExec(c.node.get("readinessProbe"));
            c.node.set("startupProbe", GenericCheck.command(startup, check.apply(startup)));
            added.add("startup");
        }
    }

    /**
     * The server's listen port from its flags, else the first {@code containerPort}, else (when
     * {@code orDefault}) its catalog default, which a config file may have moved.
     */
    private static Optional<JsonNode> serverPort(ContainerDraft c, boolean orDefault) {
        if (c.launch().portFromFlags() && c.launch().port().isPresent()) {
            return Optional.of(Json.NODES.numberNode(c.launch().port().getAsInt()));
        }
        JsonNode first = c.node.path("ports").path(0).get("containerPort");
        if (first != null && first.canConvertToInt()) {
            return Optional.of(Json.NODES.numberNode(first.asInt()));
        }
        if (orDefault && c.launch().port().isPresent()) {
            return Optional.of(Json.NODES.numberNode(c.launch().port().getAsInt()));
        }
        return Optional.empty();
    }

    /** An exec probe needs a number: a named port is looked up among the container's ports. */
    private static JsonNode numbered(ContainerDraft c, JsonNode port) {
        for (JsonNode declared : c.node.path("ports")) {
            if (port.isTextual() && port.asText().equals(declared.path("name").asText())) {
                return declared.path("containerPort");
            }
        }
        return port;
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

    private static ObjectNode probe(
            String path, JsonNode port, String scheme, int periodSeconds, int failureThreshold) {
        ObjectNode probe = Json.NODES.objectNode();
        ObjectNode get = probe.putObject("httpGet");
        get.put("path", path);
        get.set("port", port);
        if (scheme.equals("HTTPS")) {
            get.put("scheme", scheme);
        }
        probe.put("periodSeconds", periodSeconds);
        probe.put("timeoutSeconds", 3);
        probe.put("failureThreshold", failureThreshold);
        return probe;
    }
}
