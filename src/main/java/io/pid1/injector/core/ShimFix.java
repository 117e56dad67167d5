package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Launch;
import io.pid1.injector.catalog.Server;

import java.io.IOException;

/**
 * {@code init} with {@code pid1.io/init: shim}: the project's supervisor runs as a native sidecar
 * in the pod's shared PID namespace; it finds the server's master, reports worker-aware health
 * (the container's liveness probe), and drains it with its own graceful signal (its preStop hook).
 */
final class ShimFix implements Fix {

    static final String CONTAINER = "pid1-shim";
    static final int PORT = 9091;
    static final String CONFIG_ENV = "PID1_SHIM_CONFIG";
    private static final int DEFAULT_GRACEFUL_SECONDS = 30;
    /** A small JVM for a per-pod sidecar: about 50 MiB resident (bench/shim.sh). */
    static final String JVM_OPTIONS = "-XX:+UseSerialGC -Xms4m -Xmx24m -Xss256k -XX:TieredStopAtLevel=1 "
            + "-XX:CICompilerCount=1 -XX:-UsePerfData -Xshare:auto";

    @Override
    public FixKind kind() {
        return FixKind.INIT;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (pod.options.init() != InitMode.SHIM || c.launch().init().isPresent()) {
            return;
        }
        if (c.server().isEmpty()) {
            pod.report(c, kind(), "pid1.io/init: shim supervises known servers only; " + c.subject() + " left as is");
            return;
        }
        if (pod.hostPid()) {
            pod.report(c, kind(), "pid1.io/init: shim needs a shared PID namespace, which hostPID rules out");
            return;
        }
        Server server = c.server().get();
        shimContainer(pod, c);
        pod.shimEntries.add(entry(pod, c, server));
        if (!hasHttpLiveness(c.node)) {
            ObjectNode liveness = shimProbe("/workers/" + c.name);
            ProbesFix.keepTiming(c.node.path("livenessProbe"), liveness);
            c.node.set("livenessProbe", liveness);
        }
        if (!c.node.path("lifecycle").has("preStop")) {
            ObjectNode get = Json.object(Json.object(c.node, "lifecycle"), "preStop").putObject("httpGet");
            get.put("path", "/drain/" + c.name).put("port", PORT);
        }
        c.superviseWithShim();
        pod.applied(c, kind(), server.name() + " is supervised by pid1-shim: worker-aware liveness; its drain ends in "
                + gracefulSignal(c.launch(), server));
        if (!c.node.path("securityContext").has("runAsUser")) {
            pod.report(c, kind(), "no runAsUser: pid1-shim may not be allowed to signal " + server.name()
                    + "; set the container's UID");
        }
    }

    private static ObjectNode entry(PodDraft pod, ContainerDraft c, Server server) {
        Launch launch = c.launch();
        ObjectNode entry = Json.NODES.objectNode();
        entry.put("name", c.name);
        entry.set("argv", Json.array(c.serverArgv()));
        entry.put("server", server.name());
        launch.workers().ifPresent(w -> entry.put("workers", w));
        if (launch.http() && launch.port().isPresent()) {
            entry.put("httpPort", launch.port().getAsInt());
        }
        entry.put("gracefulSignal", gracefulSignal(launch, server));
        entry.put("gracefulSeconds", pod.options.gracefulSeconds(c.name)
                .orElse(launch.gracefulTimeout().orElse(DEFAULT_GRACEFUL_SECONDS)));
        entry.put("drainSeconds", pod.options.drainSeconds());
        return entry;
    }

    private static String gracefulSignal(Launch launch, Server server) {
        return launch.termIsGraceful() ? "SIGTERM" : server.gracefulSignal();
    }

    private static boolean hasHttpLiveness(JsonNode container) {
        return container.path("livenessProbe").has("httpGet");
    }

    private static ObjectNode shimProbe(String path) {
        ObjectNode probe = Json.NODES.objectNode();
        probe.putObject("httpGet").put("path", path).put("port", PORT);
        probe.put("periodSeconds", 10).put("timeoutSeconds", 5).put("failureThreshold", 3);
        return probe;
    }

    /** The sidecar, added once per pod before the other init containers, running as the supervised UID. */
    private static void shimContainer(PodDraft pod, ContainerDraft c) {
        ArrayNode initContainers = Json.arrayAt(pod.spec, "initContainers");
        if (Json.hasNamed(initContainers, CONTAINER)) {
            return;
        }
        ObjectNode shim = Json.NODES.objectNode();
        shim.put("name", CONTAINER);
        shim.put("image", pod.settings.shimImage());
        shim.put("restartPolicy", "Always");
        shim.putArray("args").add("shim");
        var env = shim.putArray("env");
        env.addObject().put("name", CONFIG_ENV).put("value", emptyConfig().toString());
        env.addObject().put("name", "JAVA_TOOL_OPTIONS").put("value", JVM_OPTIONS);
        shim.putArray("ports").addObject().put("name", "pid1-shim").put("containerPort", PORT);
        ObjectNode resources = shim.putObject("resources");
        resources.putObject("requests").put("cpu", "10m").put("memory", "48Mi");
        resources.putObject("limits").put("cpu", "200m").put("memory", "96Mi");
        shim.set("securityContext", securityLike(c.node.path("securityContext")));
        shim.putObject("readinessProbe").putObject("httpGet").put("path", "/healthz").put("port", PORT);
        ObjectNode startup = shim.putObject("startupProbe");
        startup.putObject("httpGet").put("path", "/healthz").put("port", PORT);
        startup.put("periodSeconds", 1).put("failureThreshold", 30);
        initContainers.insert(0, shim);
    }

    /** Hardened, with the supervised container's UID and GID so it may signal it without capabilities. */
    private static ObjectNode securityLike(JsonNode supervised) {
        ObjectNode security = Json.NODES.objectNode();
        for (String field : new String[] {"runAsUser", "runAsGroup", "runAsNonRoot"}) {
            if (supervised.has(field)) {
                security.set(field, supervised.get(field));
            }
        }
        security.put("allowPrivilegeEscalation", false);
        security.put("readOnlyRootFilesystem", true);
        security.putObject("capabilities").putArray("drop").add("ALL");
        security.putObject("seccompProfile").put("type", "RuntimeDefault");
        return security;
    }

    /**
     * Writes the sidecar's {@code PID1_SHIM_CONFIG}: the containers it already supervised (an
     * earlier admission) and those added by this one.
     */
    static void writeConfig(PodDraft pod) {
        if (pod.shimEntries.isEmpty()) {
            return;
        }
        for (JsonNode container : pod.spec.path("initContainers")) {
            if (CONTAINER.equals(container.path("name").asText())) {
                ObjectNode env = (ObjectNode) container.path("env").path(0);
                ObjectNode config = parse(env.path("value").asText());
                pod.shimEntries.forEach(Json.arrayAt(config, "containers")::add);
                env.put("value", config.toString());
            }
        }
    }

    private static ObjectNode parse(String json) {
        try {
            JsonNode config = Json.MAPPER.readTree(json);
            return config instanceof ObjectNode object ? object : emptyConfig();
        } catch (IOException e) {
            return emptyConfig();
        }
    }

    private static ObjectNode emptyConfig() {
        ObjectNode config = Json.NODES.objectNode().put("port", PORT);
        config.putArray("containers");
        return config;
    }
}
