package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.pid1.injector.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Properties of the engine over generated pods (seeded: a failure names its seed and repeats). */
class PodFixerPropertiesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final PodFixer FIXER = new PodFixer(Catalog.builtin(), EngineSettings.defaults());

    /** The paths a fix may write; anything else in a patch is a bug. */
    static final Pattern OWNED = Pattern.compile("/metadata/annotations(/pid1\\.io~1status)?"
            + "|/spec/(initContainers(/\\d+)?|volumes(/\\d+)?|terminationGracePeriodSeconds|shareProcessNamespace)"
            + "|/spec/containers/\\d+"
            + "|/spec/containers/\\d+/(command|args|workingDir|env(/\\d+(/value)?)?|volumeMounts(/\\d+)?"
            + "|lifecycle(/preStop)?|livenessProbe(/\\w+)?|readinessProbe|startupProbe)");

    /** Images of known sidecars (the catalog's), one a mesh proxy. */
    static final List<String> SIDECAR_IMAGES = List.of(
            "fluent/fluent-bit:3.0",
            "bitnami/pgbouncer:1.23.1",
            "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
            "docker.io/istio/proxyv2:1.22.3");

    static final List<List<String>> COMMANDS = List.of(
            List.of("sh", "-c", "gunicorn app:app -w 4 -b 0.0.0.0:8000"),
            List.of("sh", "-c", "cd /srv && exec gunicorn app:app --graceful-timeout 20"),
            List.of("bash", "-c", "python manage.py migrate && gunicorn app:app"),
            List.of("sh", "-c", "gunicorn app:app | tee /tmp/log"),
            List.of("sh", "-c", "uwsgi --http :$PORT --module app"),
            List.of("gunicorn", "app:app", "--bind", "127.0.0.1:8000"),
            List.of("/opt/venv/bin/gunicorn", "-w", "2", "app:app"),
            List.of("nginx", "-g", "daemon off;"),
            List.of("php-fpm", "-F"),
            List.of("celery", "-A", "proj", "worker"),
            List.of("tini", "--", "gunicorn", "app:app"),
            List.of("supervisord", "-n"),
            List.of("uwsgi", "--http", ":8080", "--module", "app"),
            List.of("/docker-entrypoint.sh", "uwsgi", "--http", ":8080", "--die-on-term"),
            List.of("dumb-init", "--", "bash", "-c", "exec uwsgi --http :8080 --module app"),
            List.of("redis-server"),
            List.of("python", "-m", "http.server"));

    @RepeatedTest(400)
    void theEngineKeepsItsPromises(RepetitionInfo repetition) throws Exception {
        long seed = 0x9d1 + repetition.getCurrentRepetition();
        ObjectNode pod = generate(new Random(seed));
        String context = "seed " + seed + ": " + pod;
        Outcome outcome = FIXER.fix(pod, ImageFacts.none());

        JsonNode fixed = JsonPatch.apply(outcome.patch(), pod);
        assertEquals(outcome.fixed(), fixed, context);
        for (JsonNode op : outcome.patch()) {
            String path = op.path("path").asText();
            assertTrue(OWNED.matcher(path).matches(), "patch writes " + path + "; " + context);
            assertTrue(
                    !op.path("op").asText().equals("remove")
                            || path.matches(".*/(args|livenessProbe/\\w+)|/spec/containers/\\d+"),
                    "removes " + path + "; " + context);
        }
        assertTrue(FIXER.fix(fixed, ImageFacts.none()).patch().isEmpty(), "not idempotent; " + context);
        assertTrue(grace(fixed) >= grace(pod), "grace lowered; " + context);
        assertEquals(
                pod.path("spec").path("securityContext"), fixed.path("spec").path("securityContext"), context);
        for (JsonNode container : pod.path("spec").path("containers")) {
            assertEquals(
                    container.path("securityContext"),
                    named(fixed, container.path("name").asText()).path("securityContext"),
                    context);
        }
        for (JsonNode init : fixed.path("spec").path("initContainers")) {
            if (init.path("name").asText().equals("pid1-shim")) {
                JsonNode security = init.path("securityContext");
                int uid = security.path("runAsUser")
                        .asInt(fixed.path("spec")
                                .path("securityContext")
                                .path("runAsUser")
                                .asInt(-1));
                assertTrue(security.path("runAsNonRoot").asBoolean() && uid != 0, "pid1-shim as root; " + context);
            }
        }
        Pod model = JSON.treeToValue(fixed, Pod.class);
        assertEquals(
                pod.path("spec").path("containers").size(),
                model.getSpec().getContainers().size() + movedSidecars(pod, fixed, context),
                context);
        outcome.findings()
                .forEach(f ->
                        assertTrue(f.line().startsWith("pid1: ") && f.line().length() < 120, f.line()));
        assertOnlyTheBinariesItUses(fixed, context);
    }

    /** The container of that name, regular or init, of {@code pod}. */
    private static JsonNode named(JsonNode pod, String name) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : pod.path("spec").path(list)) {
                if (container.path("name").asText().equals(name)) {
                    return container;
                }
            }
        }
        return JSON.missingNode();
    }

    /**
     * The containers moved to the init containers: known sidecars only, whole, with {@code restartPolicy: Always}
     * added, never the last regular container; returns how many.
     */
    private static int movedSidecars(JsonNode pod, JsonNode fixed, String context) {
        int moved = 0;
        for (JsonNode container : pod.path("spec").path("containers")) {
            for (JsonNode init : fixed.path("spec").path("initContainers")) {
                if (init.path("name").equals(container.path("name"))) {
                    moved++;
                    ObjectNode expected = ((ObjectNode) container.deepCopy()).put("restartPolicy", "Always");
                    assertEquals(expected, init, "moved and changed; " + context);
                    assertTrue(
                            SIDECAR_IMAGES.contains(container.path("image").asText()),
                            "moved " + container + "; " + context);
                }
            }
        }
        assertFalse(fixed.path("spec").path("containers").isEmpty(), "no regular container left; " + context);
        return moved;
    }

    /** A container sees the one file of pid1-bin it runs (tini, pid1-probe), never the volume or the copier. */
    private static void assertOnlyTheBinariesItUses(JsonNode fixed, String context) {
        for (JsonNode container : fixed.path("spec").path("containers")) {
            String text = container.toString();
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("name").asText().equals("pid1-bin")) {
                    String file = mount.path("subPath").asText();
                    assertTrue(file.equals("tini") || file.equals("pid1-probe"), "mounts " + mount + "; " + context);
                    assertEquals("/.pid1/" + file, mount.path("mountPath").asText(), context);
                    assertTrue(
                            text.contains("\"/.pid1/" + file + "\""), "mounts " + file + " it never runs; " + context);
                }
            }
            assertFalse(text.contains("busybox"), "a container runs busybox; " + context);
        }
    }

    @RepeatedTest(200)
    void windowsAndMirrorPodsAreNeverPatched(RepetitionInfo repetition) {
        long seed = 0x71d + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        ObjectNode pod = generate(random);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        pick(
                        random,
                        List.<Runnable>of(
                                () -> spec.putObject("os").put("name", "windows"),
                                () -> spec.putObject("nodeSelector").put("kubernetes.io/os", "windows"),
                                () -> Json.object((ObjectNode) pod.get("metadata"), "annotations")
                                        .put("kubernetes.io/config.mirror", "0f3c" + random.nextInt(1000))))
                .run();
        ObjectNode received = pod.deepCopy();
        Outcome outcome = FIXER.fix(pod, ImageFacts.none());

        String context = "seed " + seed + ": " + pod;
        assertTrue(outcome.patch().isEmpty(), "patched; " + context);
        assertEquals(received, outcome.fixed(), context);
        assertTrue(outcome.findings().stream().anyMatch(f -> f.line().endsWith("left as is")), context);
    }

    @RepeatedTest(300)
    void anAuthorsContainerOrVolumeNamedLikeOursIsNeverReplacedOrDuplicated(RepetitionInfo repetition)
            throws Exception {
        long seed = 0x0a7 + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        ObjectNode pod = generate(random);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        if (random.nextBoolean()) {
            Json.object((ObjectNode) pod.get("metadata"), "annotations").put("pid1.io/init", "shim");
        }
        List<String> lists = List.of("initContainers", "volumes", "ephemeralContainers");
        int authored = 1 + random.nextInt(3);
        for (int i = 0; i < authored; i++) {
            String list = pick(random, lists);
            String name = pick(random, List.of(PodDraft.INIT_CONTAINER, PodDraft.VOLUME, ShimFix.CONTAINER));
            if (list.equals("volumes") ? !Json.hasNamed(spec.get(list), name) : !containerNamed(spec, name)) {
                ObjectNode own = Json.arrayAt(spec, list).addObject().put("name", name);
                if (list.equals("volumes")) {
                    own.putObject("configMap").put("name", "tools");
                } else {
                    own.put("image", "registry.example/own:1").putArray("args").add("--" + name);
                }
            }
        }
        String appName = pick(random, List.of(PodDraft.INIT_CONTAINER, ShimFix.CONTAINER));
        if (random.nextInt(4) == 0 && !containerNamed(spec, appName)) {
            ((ObjectNode) spec.get("containers").get(0)).put("name", appName);
        }
        ObjectNode received = pod.deepCopy();
        Outcome outcome = FIXER.fix(pod, ImageFacts.none());
        JsonNode fixed = JsonPatch.apply(outcome.patch(), received);

        String context = "seed " + seed + ": " + received;
        assertEquals(outcome.fixed(), fixed, context);
        assertTrue(FIXER.fix(fixed, ImageFacts.none()).patch().isEmpty(), "not idempotent; " + context);
        for (String list : lists) {
            for (JsonNode own : received.path("spec").path(list)) {
                assertTrue(contains(fixed.path("spec").path(list), own), "changed or removed " + own + "; " + context);
            }
        }
        List<String> containerNames = new ArrayList<>();
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            fixed.path("spec")
                    .path(list)
                    .forEach(c -> containerNames.add(c.path("name").asText()));
        }
        assertEquals(containerNames.size(), containerNames.stream().distinct().count(), "duplicated; " + context);
        List<String> volumeNames = new ArrayList<>();
        fixed.path("spec")
                .path("volumes")
                .forEach(v -> volumeNames.add(v.path("name").asText()));
        assertEquals(volumeNames.size(), volumeNames.stream().distinct().count(), "duplicated; " + context);
        for (JsonNode volume : received.path("spec").path("volumes")) {
            if (volume.path("name").asText().equals(PodDraft.VOLUME)) {
                fixed.path("spec")
                        .path("containers")
                        .forEach(c -> c.path("volumeMounts")
                                .forEach(m -> assertTrue(
                                        !m.path("mountPath").asText().equals(PodDraft.MOUNT_PATH),
                                        "mounted theirs; " + context)));
            }
        }
    }

    @RepeatedTest(300)
    void hostileAnnotationValuesReachNeitherProbesNorWarningsRaw(RepetitionInfo repetition) {
        long seed = 0xa77 + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        ObjectNode pod = generate(random);
        ObjectNode annotations = Json.object((ObjectNode) pod.get("metadata"), "annotations");
        List<String> keys = List.of(
                "pid1.io/inject",
                "pid1.io/init",
                "pid1.io/fixes",
                "pid1.io/health-path",
                "pid1.io/health-path.c0",
                "pid1.io/health-port",
                "pid1.io/drain-seconds",
                "pid1.io/graceful-seconds");
        for (String key : keys) {
            if (random.nextBoolean()) {
                annotations.put(key, hostile(random));
            }
        }
        Outcome outcome = FIXER.fix(pod, ImageFacts.none());

        String context = "seed " + seed + ": " + pod;
        for (Finding finding : outcome.findings()) {
            String line = finding.line();
            assertTrue(line.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F || ch == '…'), line + "; " + context);
        }
        for (JsonNode container : outcome.fixed().path("spec").path("containers")) {
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                JsonNode path = container.path(probe).path("httpGet").get("path");
                assertTrue(path == null || path.asText().matches("/[\\x21-\\x7E]{0,255}"), path + "; " + context);
            }
        }
    }

    /** A value a careless template or a hostile author may write: valid words with control characters. */
    private static String hostile(Random random) {
        List<String> parts = List.of(
                "/healthz",
                "shim",
                "exec,init",
                "10",
                "8000",
                "audit",
                "\n",
                "\r\n",
                "\t",
                "\u001b[2J",
                "\u007f",
                "\u0085",
                "\u202e",
                "\u2028",
                "\u0000",
                " ",
                "é",
                "x".repeat(300));
        StringBuilder value = new StringBuilder();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            value.append(pick(random, parts));
        }
        return value.toString();
    }

    private static boolean containerNamed(JsonNode spec, String name) {
        return Json.hasNamed(spec.get("containers"), name)
                || Json.hasNamed(spec.get("initContainers"), name)
                || Json.hasNamed(spec.get("ephemeralContainers"), name);
    }

    private static boolean contains(JsonNode array, JsonNode item) {
        for (JsonNode each : array) {
            if (each.equals(item)) {
                return true;
            }
        }
        return false;
    }

    private static int grace(JsonNode pod) {
        return pod.path("spec").path("terminationGracePeriodSeconds").asInt(30);
    }

    static ObjectNode generate(Random random) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata").put("name", "p" + random.nextInt(1000));
        if (random.nextInt(3) == 0) {
            ObjectNode annotations = metadata.putObject("annotations");
            pick(
                            random,
                            List.<Runnable>of(
                                    () -> annotations.put("pid1.io/health-path", "/healthz"),
                                    () -> annotations.put("pid1.io/drain-seconds", random.nextBoolean() ? "10" : "x"),
                                    () -> annotations.put("pid1.io/fixes", "exec,init,pidns"),
                                    () -> annotations.put("pid1.io/fixes", "sidecars"),
                                    () -> annotations.put("pid1.io/init", "none"),
                                    () -> annotations.put("pid1.io/init", "shim"),
                                    () -> annotations.put("pid1.io/inject", "audit"),
                                    () -> annotations.put("other.example/keep", "yes")))
                    .run();
        }
        ObjectNode spec = pod.putObject("spec");
        if (random.nextBoolean()) {
            spec.put("terminationGracePeriodSeconds", random.nextInt(200));
        }
        if (random.nextInt(4) == 0) {
            spec.putObject("securityContext").put("runAsNonRoot", true).put("runAsUser", 1000);
        } else if (random.nextInt(6) == 0) {
            spec.putObject("securityContext").put("runAsUser", 0);
        }
        if (random.nextInt(5) == 0) {
            spec.put("shareProcessNamespace", true);
        }
        if (random.nextInt(6) == 0) {
            spec.put("restartPolicy", "Never");
        }
        if (random.nextInt(4) == 0) {
            spec.putArray("volumes").addObject().put("name", "data").putObject("emptyDir");
        }
        if (random.nextInt(4) == 0) {
            spec.putArray("initContainers")
                    .addObject()
                    .put("name", "migrate")
                    .put("image", "app:1")
                    .putArray("command")
                    .add("python")
                    .add("manage.py")
                    .add("migrate");
        }
        ArrayNode containers = spec.putArray("containers");
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            containers.add(container(random, "c" + i));
        }
        int sidecars = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0;
        for (int i = 0; i < sidecars; i++) {
            containers.insert(
                    random.nextInt(containers.size() + 1),
                    JSON.createObjectNode().put("name", "s" + i).put("image", pick(random, SIDECAR_IMAGES)));
        }
        return pod;
    }

    private static ObjectNode container(Random random, String name) {
        ObjectNode c =
                JSON.createObjectNode().put("name", name).put("image", "registry.example/app:" + random.nextInt(9));
        List<String> argv = pick(random, COMMANDS);
        int split = random.nextInt(argv.size() + 1);
        if (split > 0 || random.nextBoolean()) {
            ArrayNode command = c.putArray("command");
            argv.subList(0, split).forEach(command::add);
            if (split < argv.size()) {
                ArrayNode args = c.putArray("args");
                argv.subList(split, argv.size()).forEach(args::add);
            }
        }
        if (random.nextBoolean()) {
            ArrayNode env = c.putArray("env");
            env.addObject().put("name", "PORT").put("value", "8000");
            env.addObject()
                    .put("name", "SECRET")
                    .putObject("valueFrom")
                    .putObject("secretKeyRef")
                    .put("name", "s")
                    .put("key", "k");
        }
        if (random.nextBoolean()) {
            c.putArray("ports").addObject().put("containerPort", 8000 + random.nextInt(3));
        }
        if (random.nextInt(3) == 0) {
            c.putObject("livenessProbe").putObject("tcpSocket").put("port", 8000);
        }
        if (random.nextInt(4) == 0) {
            c.putObject("lifecycle")
                    .putObject("preStop")
                    .putObject("exec")
                    .putArray("command")
                    .add("sleep")
                    .add("3");
        }
        if (random.nextInt(3) == 0) {
            c.putObject("securityContext")
                    .put("allowPrivilegeEscalation", false)
                    .put("readOnlyRootFilesystem", true)
                    .put("runAsUser", random.nextInt(3) == 0 ? 0 : 1000);
        }
        if (random.nextInt(4) == 0) {
            c.putArray("volumeMounts").addObject().put("name", "data").put("mountPath", "/data");
        }
        return c;
    }

    private static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
