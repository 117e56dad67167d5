package io.pid1.injector.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The pods the benchmarks fix: small (one gunicorn under {@code sh -c}), typical (three containers,
 * 40 env vars, probes) and large (30 containers, 1,000 env vars).
 */
public final class BenchPods {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Commands of master-worker servers run the way real manifests run them, cycled per container. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("sh", "-c", "gunicorn shop.wsgi:application -w 4 --bind 0.0.0.0:8000"),
            List.of("sh", "-c", "cd /app && uwsgi --http :8000 --wsgi-file app.py --processes 4"),
            List.of("nginx", "-g", "daemon off;"),
            List.of("bash", "-c", "php-fpm -F"),
            List.of("sh", "-c", "celery -A proj worker --concurrency 4 --loglevel info"),
            List.of("sh", "-c", "puma -C config/puma.rb -w 3 -p 3000"));

    private BenchPods() {}

    /** One container: gunicorn under {@code sh -c}. */
    public static ObjectNode small() {
        return pod(1, 1, false);
    }

    /** Three containers (gunicorn, uwsgi, nginx), 40 env vars in all, HTTP probes on the first. */
    public static ObjectNode typical() {
        return pod(3, 40, true);
    }

    /** Thirty containers, 1,000 env vars in all. */
    public static ObjectNode large() {
        return pod(30, 1000, true);
    }

    /** A pod by name: {@code small}, {@code typical} or {@code large}. */
    public static ObjectNode named(String size) {
        return switch (size) {
            case "small" -> small();
            case "typical" -> typical();
            case "large" -> large();
            default -> throw new IllegalArgumentException("no pod named " + size);
        };
    }

    /** A pod-CREATE AdmissionReview of {@code pod}, as kube-apiserver sends it. */
    public static ObjectNode review(ObjectNode pod) {
        ObjectNode review =
                NODES.objectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.put("namespace", "shop").put("operation", "CREATE");
        request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        request.set("object", pod);
        request.put("dryRun", false);
        return review;
    }

    private static ObjectNode pod(int containers, int envVars, boolean probes) {
        ObjectNode pod = NODES.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "shop-web").putObject("labels").put("app", "shop");
        ArrayNode list = pod.putObject("spec").putArray("containers");
        for (int i = 0; i < containers; i++) {
            int env = envVars / containers + (i < envVars % containers ? 1 : 0);
            list.add(container(i, env, probes && i == 0));
        }
        return pod;
    }

    private static ObjectNode container(int index, int envVars, boolean probes) {
        ObjectNode c = NODES.objectNode()
                .put("name", "c" + index)
                .put("image", "registry.example/shop/app" + index + ":1.4.2");
        ArrayNode command = c.putArray("command");
        COMMANDS.get(index % COMMANDS.size()).forEach(command::add);
        c.putArray("ports").addObject().put("name", "http").put("containerPort", 8000 + index);
        ArrayNode env = c.putArray("env");
        for (int i = 0; i < envVars; i++) {
            env.addObject().put("name", "SETTING_" + i).put("value", "value-" + i + "-of-container-" + index);
        }
        if (probes) {
            c.putObject("readinessProbe")
                    .putObject("httpGet")
                    .put("path", "/healthz")
                    .put("port", "http");
            c.putObject("livenessProbe")
                    .putObject("httpGet")
                    .put("path", "/healthz")
                    .put("port", "http");
        }
        c.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "256Mi");
        return c;
    }
}
