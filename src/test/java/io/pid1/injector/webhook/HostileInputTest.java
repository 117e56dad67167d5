package io.pid1.injector.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies built to hurt a JSON server: each gets a clear answer (a review or a one-line 400), fast,
 * without a stack overflow, and the server keeps answering afterwards.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@Timeout(60)
class HostileInputTest {

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    WebhookClient client;

    @BeforeEach
    void connect() throws Exception {
        client = new WebhookClient(URI.create("https://localhost:" + base.getPort() + "/"),
                TlsFiles.dir.resolve(TlsMaterial.CA_FILE));
    }

    @Test
    void aHundredThousandOpenBracketsAreA400() throws Exception {
        String body = "[".repeat(100_000);
        assertOneLine400(client.post("mutate", body), "pid1: body is not JSON: Document nesting depth");
        assertOneLine400(client.post("mutate", "{\"a\":" + body), "pid1: body is not JSON: Document nesting depth");
        stillServes();
    }

    @Test
    void nestingJustUnderTheParsersLimitInsideThePodIsAnswered() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        String review = WebhookClient.review(pod).toString()
                .replace("\"spec\":{", "\"spec\":{\"futureField\":" + "[".repeat(990) + "]".repeat(990) + ",");
        HttpResponse<String> response = client.post("mutate", review);
        assertEquals(200, response.statusCode(), response.body());
        assertNotNull(WebhookClient.patch(WebhookClient.JSON.readTree(response.body()).path("response")));
    }

    @Test
    void aFiveMebibyteShellScriptIsAnswered() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode command = (ArrayNode) pod.path("spec").path("containers").path(0).path("command");
        command.set(2, WebhookClient.JSON.getNodeFactory().textNode(
                "echo " + "a".repeat(5 * 1024 * 1024) + "; gunicorn app:app"));
        JsonNode answer = client.review("mutate", pod);
        assertTrue(answer.path("allowed").asBoolean());
    }

    @Test
    void aQuarterMebibyteOfFlagsIsLeftUnreadWithAWarning() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode command = (ArrayNode) pod.path("spec").path("containers").path(0).path("command");
        command.set(2, WebhookClient.JSON.getNodeFactory().textNode("gunicorn app:app " + "-w 4 ".repeat(50_000)));
        JsonNode answer = assertAnsweredWithin30s(pod);
        assertTrue(answer.path("warnings").toString().contains("command is over 64 KiB; not read"), answer.toString());
    }

    @Test
    void tenThousandContainersAreAnswered() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode containers = (ArrayNode) pod.path("spec").path("containers");
        JsonNode template = containers.get(0);
        containers.removeAll();
        for (int i = 0; i < 10_000; i++) {
            containers.add(((ObjectNode) template.deepCopy()).put("name", "web" + i));
        }
        assertNotNull(WebhookClient.patch(assertAnsweredWithin30s(pod)));
    }

    @Test
    void invalidUtf8IsA400() throws Exception {
        byte[] review = WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c")).toString()
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(review, StandardCharsets.UTF_8);
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        int at = text.indexOf("shop-web");
        broken.write(review, 0, at);
        broken.write(new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        broken.write(review, at, review.length - at);
        HttpResponse<byte[]> response = client.post("mutate", broken.toByteArray());
        assertOneLine400(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
                "pid1: body is not JSON: Invalid UTF-8");
    }

    @Test
    void duplicateKeysAreReadLastOneWinsAndAnsweredWithThatUid() throws Exception {
        ObjectNode review = WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"));
        String body = review.toString().replace("\"request\":{", "\"request\":{\"uid\":\"first\",");
        HttpResponse<String> response = client.post("mutate", body);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(review.path("request").path("uid").asText(),
                WebhookClient.JSON.readTree(response.body()).path("response").path("uid").asText());
    }

    /** The allowed answer for {@code pod}, within kube-apiserver's longest webhook timeout. */
    private JsonNode assertAnsweredWithin30s(ObjectNode pod) throws Exception {
        ObjectNode review = WebhookClient.review(pod);
        HttpResponse<String> response = client.post("mutate", review.toString(), Duration.ofSeconds(30));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = WebhookClient.JSON.readTree(response.body()).path("response");
        assertEquals(review.path("request").path("uid").asText(), answer.path("uid").asText());
        assertTrue(answer.path("allowed").asBoolean());
        return answer;
    }

    private void stillServes() throws Exception {
        assertNotNull(WebhookClient.patch(client.review("mutate", AdmissionEndpointTest.pod("gunicorn-sh-c"))));
    }

    private static void assertOneLine400(HttpResponse<String> response, String expectedStart) {
        assertOneLine400(response.statusCode(), response.body(), expectedStart);
    }

    private static void assertOneLine400(int status, String text, String expectedStart) {
        assertEquals(400, status, text);
        String body = text.strip();
        assertFalse(body.contains("\n"), body);
        assertTrue(body.startsWith(expectedStart), body);
        assertTrue(body.length() < 200, body);
    }
}
