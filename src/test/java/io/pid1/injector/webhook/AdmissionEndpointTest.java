package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.flipkart.zjsonpatch.JsonPatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admission endpoints over real HTTPS, one test per rule of docs/reference.md. */
@QuarkusTest
@WithTestResource(TlsFiles.class)
class AdmissionEndpointTest extends ServedWebhookTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static ObjectNode pod(String name) throws IOException {
        try (InputStream in = AdmissionEndpointTest.class.getResourceAsStream("/pods/" + name + ".yaml")) {
            return (ObjectNode) YAML.readTree(in);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void gunicornUnderShIsRewrittenToExecFormUnderTini() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        JsonNode answer = client.review("mutate", pod);
        JsonNode fixed = JsonPatch.apply(WebhookClient.patch(answer), pod);

        JsonNode web = fixed.path("spec").path("containers").path(0);
        assertEquals(
                List.of("/.pid1/tini", "--", "gunicorn", "shop.wsgi:application", "-w", "4", "--bind", "0.0.0.0:8000"),
                strings(web.path("command")));
        assertFalse(web.has("args"));
        JsonNode init = fixed.path("spec").path("initContainers").path(0);
        assertEquals("pid1-init", init.path("name").asText());
        assertEquals("true", init.path("securityContext").path("runAsNonRoot").asText());
        assertTrue(init.path("resources").path("limits").has("memory"));
        assertEquals(
                "Memory",
                fixed.path("spec")
                        .path("volumes")
                        .path(0)
                        .path("emptyDir")
                        .path("medium")
                        .asText());
        assertEquals(
                "/.pid1/tini",
                web.path("volumeMounts").path(0).path("mountPath").asText());
        assertEquals("tini", web.path("volumeMounts").path(0).path("subPath").asText());
        assertTrue(web.path("volumeMounts").path(0).path("readOnly").asBoolean());
        JsonNode status = WebhookClient.JSON.readTree(fixed.path("metadata")
                .path("annotations")
                .path("pid1.io/status")
                .asText());
        assertTrue(strings(status.path("containers").path("web")).containsAll(List.of("exec", "init")));
        assertTrue(
                strings(answer.path("warnings"))
                        .contains("pid1: container \"web\": gunicorn ran under \"sh -c\"; now exec form"),
                answer.toString());
    }

    @Test
    void aFixedPodIsLeftAsItIs() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        JsonNode fixed = JsonPatch.apply(WebhookClient.patch(client.review("mutate", pod)), pod);
        assertNull(WebhookClient.patch(client.review("mutate", fixed)));
    }

    @Test
    void optedOutPodIsLeftAlone() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put("pid1.io/inject", "false");
        JsonNode answer = client.review("mutate", pod);
        assertNull(WebhookClient.patch(answer));
        assertFalse(answer.has("warnings"));
    }

    @Test
    void fieldsUnknownToTheModelSurvive() throws Exception {
        ObjectNode pod = pod("future-field");
        JsonNode patch = WebhookClient.patch(client.review("mutate", pod));
        for (JsonNode op : patch) {
            assertFalse(op.path("path").asText().contains("future"), "patch touches " + op);
        }
        JsonNode fixed = JsonPatch.apply(patch, pod);
        assertEquals(pod.path("spec").path("futurePodField"), fixed.path("spec").path("futurePodField"));
        assertEquals(
                pod.path("spec").path("containers").path(0).path("futureContainerField"),
                fixed.path("spec").path("containers").path(0).path("futureContainerField"));
        assertEquals(
                pod.path("spec").path("containers").path(1),
                fixed.path("spec").path("containers").path(1));
    }

    @Test
    void auditAnswersWithFindingsAndNoPatch() throws Exception {
        JsonNode answer = client.review("audit", pod("gunicorn-sh-c"));
        assertNull(WebhookClient.patch(answer));
        assertTrue(answer.path("warnings").size() > 0);
        assertTrue(answer.path("auditAnnotations").path("findings").asText().contains("gunicorn ran under"));
        assertTrue(answer.path("auditAnnotations").path("would-fix").asText().startsWith("web:"));
    }

    @Test
    void everyContainerGetsOneOutcomeInTheAuditAnnotations() throws Exception {
        JsonNode answer = client.review("audit", pod("three-outcomes"));
        assertEquals(
                List.of(
                        "pid1: container \"web\": fixed (gunicorn: exec, init, probes, prestop)",
                        "pid1: container \"beat\": not-master-worker (celery beat: a scheduler, one process)",
                        "pid1: container \"boot\": not-understood (entrypoint script docker-entrypoint.sh; what it starts is "
                                + "not read)"),
                answer.path("auditAnnotations")
                        .path("containers")
                        .asText()
                        .lines()
                        .toList());
    }

    @Test
    void podAnnotatedAuditIsReportedNotPatched() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put("pid1.io/inject", "audit");
        JsonNode answer = client.review("mutate", pod);
        assertNull(WebhookClient.patch(answer));
        assertTrue(answer.path("warnings").size() > 0);
    }

    @Test
    void dryRunIsAnsweredLikeARealRequest() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        ObjectNode review = WebhookClient.review(pod);
        ((ObjectNode) review.path("request")).put("dryRun", true);
        HttpResponse<String> dry = client.post("mutate", review.toString());
        JsonNode real = client.review("mutate", pod);
        assertEquals(
                WebhookClient.patch(real),
                WebhookClient.patch(WebhookClient.JSON.readTree(dry.body()).path("response")));
    }

    @Test
    void onlyPodCreatesAreAnalysed() throws Exception {
        for (String change : List.of("operation=UPDATE", "resource=deployments", "subResource=ephemeralcontainers")) {
            ObjectNode review = WebhookClient.review(pod("gunicorn-sh-c"));
            ObjectNode request = (ObjectNode) review.path("request");
            String[] kv = change.split("=");
            if (kv[0].equals("resource")) {
                ((ObjectNode) request.path("resource")).put("group", "apps").put("resource", kv[1]);
            } else {
                request.put(kv[0], kv[1]);
            }
            HttpResponse<String> response = client.post("mutate", review.toString());
            JsonNode answer = WebhookClient.JSON.readTree(response.body()).path("response");
            assertEquals(200, response.statusCode(), change);
            assertTrue(answer.path("allowed").asBoolean(), change);
            assertEquals(request.path("uid").asText(), answer.path("uid").asText(), change);
            assertNull(WebhookClient.patch(answer), change);
        }
    }

    @Test
    void notJsonIsA400WithOneLine() throws Exception {
        assertOneLine400(client.post("mutate", "{not json"), "pid1: body is not JSON");
    }

    @Test
    void jsonThatIsNotAReviewIsA400() throws Exception {
        assertOneLine400(client.post("mutate", "{\"kind\":\"Pod\"}"), "pid1: kind is \"Pod\", not AdmissionReview");
        assertOneLine400(client.post("audit", "[]"), "pid1: body is not a JSON object");
        assertOneLine400(
                client.post("mutate", "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}"),
                "pid1: apiVersion is \"admission.k8s.io/v1beta1\", not admission.k8s.io/v1");
        assertOneLine400(
                client.post(
                        "mutate",
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                                + "\"request\":{\"operation\":\"CREATE\"}}"),
                "pid1: AdmissionReview request has no uid");
        assertOneLine400(client.post("mutate", ""), "pid1: empty body; expected an AdmissionReview");
    }

    @Test
    void bodyOverFourMebibytesIsA413() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put("padding", "x".repeat(4 * 1024 * 1024));
        assertEquals(
                413, client.post("mutate", WebhookClient.review(pod).toString()).statusCode());
    }

    @Test
    void aPodJustUnderTheLimitIsAnswered() throws Exception {
        ObjectNode pod = pod("gunicorn-sh-c");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put("padding", "x".repeat(4 * 1024 * 1024 - 8192));
        assertNotNull(WebhookClient.patch(client.review("mutate", pod)));
    }

    private static void assertOneLine400(HttpResponse<String> response, String expectedStart) {
        assertEquals(400, response.statusCode(), response.body());
        String body = response.body().strip();
        assertFalse(body.contains("\n"), body);
        assertTrue(body.startsWith(expectedStart), body);
        assertFalse(body.contains("Exception"), body);
    }
}
