package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Launch;
import io.pid1.injector.catalog.Server;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code init} with {@code pid1.io/init: shim}: the project's supervisor runs as a native sidecar
 * in the pod's shared PID namespace; it finds the server's master, reports worker-aware health
 * (the container's liveness probe), and drains it with its own graceful signal (its preStop hook).
 * The preStop presents the pod's drain token, without which the shim refuses to drain (see
 * {@code shim/ShimServer}); the shim takes the app's UID and never runs as root, so an app known to
 * run as root gets no shim.
 */
final class ShimFix implements Fix {

    static final String CONTAINER = "pid1-shim";
    static final int PORT = 9091;
    static final String CONFIG_ENV = "PID1_SHIM_CONFIG";
    private static final String TOKEN_FIELD = "drainToken";
    private static final int DEFAULT_GRACEFUL_SECONDS = 30;
    /**
     * The image's java with the argument file its build writes (deploy/image/build-webhook-image.sh): the shim's
     * few jars on a plain class path and its main class, not the image's entrypoint, whose Quarkus class loader and
     * CDS archive of the webhook cost the sidecar 3 and 40 MiB.
     */
    static final List<String> COMMAND = List.of("/opt/java/bin/java", "@/app/pid1-shim.args");
    /**
     * A small JVM for a per-pod sidecar, about 32 MiB resident after 300 checks (bench/README.md): the interpreter
     * only, as C1's code and arenas cost 9 MiB and a check a few milliseconds; no CDS archive, as one costs as many
     * resident pages as it saves in metaspace; a string table of 4,096 buckets, not 65,536, whose few interned
     * strings touched most of its 512 KiB (it grows if need be).
     */
    static final String JVM_OPTIONS =
            "-XX:+UseSerialGC -Xms4m -Xmx24m -Xss256k -Xint -XX:-UsePerfData -Xshare:off -XX:StringTableSize=4096";

    @Override
    public FixKind kind() {
        return FixKind.SHIM;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (pod.options.init() != InitMode.SHIM
                || pod.shimTaken.isPresent()
                || c.launch().init().isPresent()) {
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
        AppUser user = AppUser.of(pod, c);
        if (user.root()) {
            pod.report(
                    c,
                    kind(),
                    "no pid1-shim: " + server.name() + " runs as root, and the shim never does; "
                            + "set a non-root runAsUser");
            return;
        }
        Optional<ObjectNode> configEnv = configEnv(shimContainer(pod, user));
        if (configEnv.isEmpty()) {
            pod.report(c, kind(), "the pod's own container is named " + CONTAINER + "; no shim added");
            return;
        }
        String token = drainToken(pod, configEnv.get());
        pod.shimEntries.add(entry(pod, c, server));
        if (!hasHttpLiveness(c.node)) {
            ObjectNode liveness = shimProbe("/workers/" + c.name);
            ProbesFix.keepTiming(c.node.path("livenessProbe"), liveness);
            c.node.set("livenessProbe", liveness);
        }
        if (!c.node.path("lifecycle").has("preStop")) {
            ObjectNode get =
                    Json.object(Json.object(c.node, "lifecycle"), "preStop").putObject("httpGet");
            get.put("path", "/drain/" + c.name).put("port", PORT);
            get.putArray("httpHeaders").addObject().put("name", "Authorization").put("value", "Bearer " + token);
        }
        c.superviseWithShim();
        pod.applied(
                c,
                kind(),
                server.name() + " is supervised by pid1-shim: worker-aware liveness; its drain ends in "
                        + gracefulSignal(c.launch(), server));
        if (user.uid().isEmpty()) {
            pod.report(
                    c,
                    kind(),
                    "UID unknown: pid1-shim may not be allowed to signal " + server.name()
                            + "; set the container's runAsUser");
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
        entry.put(
                "gracefulSeconds",
                pod.options
                        .gracefulSeconds(c.name)
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

    /**
     * The sidecar, added once per pod before the other init containers, running as the supervised UID;
     * the existing one when an earlier container or admission added it.
     */
    private static ObjectNode shimContainer(PodDraft pod, AppUser user) {
        ArrayNode initContainers = Json.arrayAt(pod.spec, "initContainers");
        for (JsonNode container : initContainers) {
            if (CONTAINER.equals(container.path("name").asText()) && container instanceof ObjectNode shim) {
                return shim;
            }
        }
        ObjectNode shim = Json.NODES.objectNode();
        shim.put("name", CONTAINER);
        shim.put("image", pod.settings.shimImage());
        shim.put("restartPolicy", "Always");
        COMMAND.forEach(shim.putArray("command")::add);
        shim.putArray("args").add("shim");
        var env = shim.putArray("env");
        ObjectNode config = Json.NODES.objectNode().put("port", PORT).put(TOKEN_FIELD, pod.newShimToken());
        config.putArray("containers");
        env.addObject().put("name", CONFIG_ENV).put("value", config.toString());
        env.addObject().put("name", "JAVA_TOOL_OPTIONS").put("value", JVM_OPTIONS);
        shim.putArray("ports").addObject().put("name", "pid1-shim").put("containerPort", PORT);
        ObjectNode resources = shim.putObject("resources");
        resources.putObject("requests").put("cpu", "10m").put("memory", "40Mi");
        resources.putObject("limits").put("cpu", "200m").put("memory", "96Mi");
        shim.set("securityContext", hardened(user));
        shim.putObject("readinessProbe")
                .putObject("httpGet")
                .put("path", "/healthz")
                .put("port", PORT);
        ObjectNode startup = shim.putObject("startupProbe");
        startup.putObject("httpGet").put("path", "/healthz").put("port", PORT);
        startup.put("periodSeconds", 1).put("failureThreshold", 30);
        initContainers.insert(0, shim);
        return shim;
    }

    /**
     * Never root, with the supervised UID and GID where the pod does not already give them, so it
     * may signal the app without capabilities; with the UID unknown, the image's non-root USER.
     */
    private static ObjectNode hardened(AppUser user) {
        ObjectNode security = Json.NODES.objectNode();
        user.uidToSet().ifPresent(uid -> security.set("runAsUser", Json.NODES.numberNode(uid)));
        user.gidToSet().ifPresent(gid -> security.set("runAsGroup", Json.NODES.numberNode(gid)));
        security.put("runAsNonRoot", true);
        security.put("allowPrivilegeEscalation", false);
        security.put("readOnlyRootFilesystem", true);
        security.putObject("capabilities").putArray("drop").add("ALL");
        security.putObject("seccompProfile").put("type", "RuntimeDefault");
        return security;
    }

    /**
     * The pod's drain token: the one the sidecar already has, or a new random one written into its
     * configuration. Only the kubelet's preStop presents it, so a client that can reach the pod but
     * cannot read its spec cannot stop the server.
     */
    private static String drainToken(PodDraft pod, ObjectNode configEnv) {
        ObjectNode config = parse(configEnv.path("value").asText());
        String token = config.path(TOKEN_FIELD).asText("");
        if (token.isEmpty()) {
            token = pod.newShimToken();
            configEnv.put("value", config.put(TOKEN_FIELD, token).toString());
        }
        return token;
    }

    /** The sidecar's {@code PID1_SHIM_CONFIG} entry; none when a container of the pod's own has the name. */
    private static Optional<ObjectNode> configEnv(JsonNode shim) {
        for (JsonNode env : shim.path("env")) {
            if (CONFIG_ENV.equals(env.path("name").asText()) && env instanceof ObjectNode entry) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the sidecar's {@code PID1_SHIM_CONFIG} once every container was seen: the containers it
     * already supervised (an earlier admission) and those added by this one; and shares the PID
     * namespace, where the shim finds the masters. A pod whose shim was refused gets neither.
     */
    @Override
    public void applyToPod(PodDraft pod) {
        if (pod.shimEntries.isEmpty()) {
            return;
        }
        PidNsFix.share(pod);
        for (JsonNode container : pod.spec.path("initContainers")) {
            if (CONTAINER.equals(container.path("name").asText())) {
                configEnv(container).ifPresent(env -> {
                    ObjectNode config = parse(env.path("value").asText());
                    pod.shimEntries.forEach(Json.arrayAt(config, "containers")::add);
                    env.put("value", config.toString());
                });
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
