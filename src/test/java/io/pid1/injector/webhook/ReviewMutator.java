package io.pid1.injector.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.catalog.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Seeded fuzz cases for the admission endpoint: real reviews (the golden pods and the example) and
 * random pods of the catalog's servers, then mutated: fields dropped, duplicated, retyped, replaced
 * by random strings or values of the wrong type at any depth; some cases are broken at the byte level
 * (duplicate keys, truncation, invalid UTF-8).
 */
final class ReviewMutator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {
        "sh",
        "-c",
        "exec",
        "gunicorn",
        "app:app",
        "--bind",
        "0.0.0.0:8000",
        "-w",
        "4",
        "&&",
        "|",
        ";",
        "$PORT",
        "${X:-1}",
        "'",
        "\"",
        "\\",
        "`id`",
        "$(date)",
        "*",
        "\n",
        "#",
        "",
        "~",
        "/",
        "pid1.io/init",
        "shim",
        "tini",
        "none",
        "audit",
        "false",
        "é",
        "\u0000",
        "\uFFFF",
        "🚀",
        "--",
        "=",
        "-"
    };

    private final Random random;
    private final List<JsonNode> pods;
    private final List<Server> servers = Catalog.builtin().servers();

    ReviewMutator(long seed) {
        this.random = new Random(seed);
        this.pods = realPods();
    }

    /** One case: the body to post. */
    byte[] next() {
        ObjectNode review = WebhookClient.review(
                random.nextInt(4) == 0
                        ? catalogPod()
                        : pods.get(random.nextInt(pods.size())).deepCopy());
        ((ObjectNode) review.get("request")).put("uid", new UUID(random.nextLong(), random.nextLong()).toString());
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(review);
        }
        if (random.nextInt(40) == 0 && review.get("request") instanceof ObjectNode request) {
            hostile(request);
        }
        byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
        return random.nextInt(10) == 0 ? breakBytes(body) : body;
    }

    private static List<JsonNode> realPods() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files =
                Files.walk(Path.of(ReviewMutator.class.getResource("/golden").toURI()))) {
            for (Path file : files.filter(p -> p.getFileName().toString().equals("in.yaml"))
                    .sorted()
                    .toList()) {
                out.add(yaml.readTree(file.toFile()));
            }
            out.add(JSON.readTree(Path.of("examples/review-gunicorn.json").toFile())
                    .path("request")
                    .path("object"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** A pod of one to four containers, each running a catalog server in exec or shell form. */
    private JsonNode catalogPod() {
        ObjectNode pod = NODES.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p" + random.nextInt(1000));
        ArrayNode containers = pod.putObject("spec").putArray("containers");
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            Server server = servers.get(random.nextInt(servers.size()));
            List<String> argv = new ArrayList<>();
            argv.add(pick(server.executables(), server.name()));
            argv.addAll(server.requiredFlags());
            if (!server.listenFlags().isEmpty()) {
                argv.add(pick(server.listenFlags(), "--bind"));
                argv.add("0.0.0.0:" + (1024 + random.nextInt(60000)));
            }
            if (!server.workersFlags().isEmpty()) {
                argv.add(pick(server.workersFlags(), "-w"));
                argv.add(String.valueOf(random.nextInt(9)));
            }
            ObjectNode container =
                    containers.addObject().put("name", "c" + i).put("image", "example/" + server.name() + ":1");
            ArrayNode command = container.putArray("command");
            if (random.nextBoolean()) {
                command.add(random.nextBoolean() ? "sh" : "bash").add("-c").add(String.join(" ", argv));
            } else {
                argv.forEach(command::add);
            }
            if (random.nextBoolean()) {
                container.putArray("ports").addObject().put("containerPort", 1 + random.nextInt(65535));
            }
        }
        return pod;
    }

    private String pick(List<String> options, String otherwise) {
        return options.isEmpty() ? otherwise : options.get(random.nextInt(options.size()));
    }

    /**
     * One of the attacks of issue 20: more containers than the webhook analyses, a line break in a name that
     * is logged, or a grace period beyond int64.
     */
    private void hostile(ObjectNode request) {
        JsonNode pod = request.path("object");
        if (!(pod.path("spec") instanceof ObjectNode spec) || !(pod.path("metadata") instanceof ObjectNode metadata)) {
            return;
        }
        switch (random.nextInt(3)) {
            case 0 -> {
                if (spec.path("containers") instanceof ArrayNode containers && !containers.isEmpty()) {
                    JsonNode first = containers.get(0);
                    for (int i = 0, n = 100 + random.nextInt(50); i < n; i++) {
                        containers.add(first.deepCopy());
                    }
                }
            }
            case 1 -> {
                String forged = (random.nextBoolean() ? "\n" : "\u2028") + "INFO  [pid1.admission] pod=forged";
                metadata.put("name", metadata.path("name").asText() + forged);
                request.put("namespace", request.path("namespace").asText() + forged);
            }
            default ->
                spec.set(
                        "terminationGracePeriodSeconds",
                        random.nextBoolean()
                                ? NODES.numberNode(99_999_999_999L)
                                : NODES.numberNode(new BigInteger("1" + "0".repeat(30))));
        }
    }

    /** Changes one randomly chosen field or element anywhere in the tree. */
    private void mutate(ObjectNode review) {
        List<JsonNode> containers = new ArrayList<>();
        collect(review, containers);
        JsonNode parent = containers.get(random.nextInt(containers.size()));
        if (parent instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 ->
                    object.set(
                            name + (random.nextBoolean() ? "" : "X"),
                            object.get(name).deepCopy());
                default -> object.set(name, value(object.get(name)));
            }
        } else if (parent instanceof ArrayNode array && !array.isEmpty()) {
            int index = random.nextInt(array.size());
            switch (random.nextInt(4)) {
                case 0 -> array.remove(index);
                case 1 -> array.insert(index, array.get(index).deepCopy());
                default -> array.set(index, value(array.get(index)));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    /** A replacement for {@code old}: usually of another type, sometimes of the same one. */
    private JsonNode value(JsonNode old) {
        return switch (random.nextInt(9)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextInt(5) == 0 ? Long.MIN_VALUE : random.nextInt(100) - 10);
            case 2 -> NODES.numberNode(random.nextDouble() * 1e6);
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.textNode(text());
            case 5 -> NODES.arrayNode().add(text()).add(random.nextInt()).add(NODES.objectNode());
            case 6 -> NODES.objectNode().put(text(), text()).set("name", old);
            case 7 -> NODES.arrayNode().add(old);
            default -> NODES.textNode(old.isValueNode() ? old.asText() + text() : old.toString());
        };
    }

    private String text() {
        StringBuilder out = new StringBuilder();
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
            out.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x3000) : WORDS[random.nextInt(WORDS.length)]);
            if (random.nextBoolean()) {
                out.append(' ');
            }
        }
        return out.toString();
    }

    /** Breaks a body at the byte level: a duplicate key, a cut, a flipped byte or invalid UTF-8. */
    private byte[] breakBytes(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return switch (random.nextInt(4)) {
            case 0 ->
                text.replaceFirst("\\{", "{\"uid\":\"dup\",\"kind\":\"AdmissionReview\",")
                        .getBytes(StandardCharsets.UTF_8);
            case 1 -> java.util.Arrays.copyOf(body, random.nextInt(body.length));
            case 2 -> {
                byte[] copy = body.clone();
                copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                yield copy;
            }
            default -> {
                byte[] copy = body.clone();
                int at = text.indexOf("\"name\"");
                copy[Math.max(0, at) + 1] = (byte) (0x80 | random.nextInt(0x40));
                yield copy;
            }
        };
    }
}
