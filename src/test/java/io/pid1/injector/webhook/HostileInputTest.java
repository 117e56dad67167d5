package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    @Inject
    AdmissionService service;

    @Inject
    LargeReviews large;

    @BeforeEach
    void connect() throws Exception {
        client = new WebhookClient(
                URI.create("https://localhost:" + base.getPort() + "/"), TlsFiles.dir.resolve(TlsMaterial.CA_FILE));
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
        String review = WebhookClient.review(pod)
                .toString()
                .replace("\"spec\":{", "\"spec\":{\"futureField\":" + "[".repeat(990) + "]".repeat(990) + ",");
        HttpResponse<String> response = client.post("mutate", review);
        assertEquals(200, response.statusCode(), response.body());
        assertNotNull(
                WebhookClient.patch(WebhookClient.JSON.readTree(response.body()).path("response")));
    }

    @Test
    void aThreeMebibyteShellScriptIsAnswered() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode command =
                (ArrayNode) pod.path("spec").path("containers").path(0).path("command");
        command.set(
                2,
                WebhookClient.JSON
                        .getNodeFactory()
                        .textNode("echo " + "a".repeat(3 * 1024 * 1024) + "; gunicorn app:app"));
        JsonNode answer = client.review("mutate", pod);
        assertTrue(answer.path("allowed").asBoolean());
    }

    @Test
    void aBodyOverFourMebibytesIsA413WithOrWithoutALength() throws Exception {
        byte[] body = review(4);
        HttpResponse<byte[]> sized = client.post("mutate", body);
        assertEquals("pid1: body is larger than 4 MiB", new String(sized.body(), StandardCharsets.UTF_8).strip());
        assertEquals(413, sized.statusCode());
        for (int mebibytes : new int[] {4, 9}) {
            // 9 MiB is over Quarkus' own limit, which reset such a body instead of answering.
            byte[] unsized = mebibytes == 4 ? body : review(mebibytes);
            HttpResponse<String> chunked = client.postChunked("mutate", unsized);
            assertEquals(413, chunked.statusCode(), chunked.body());
            assertEquals("pid1: body is larger than 4 MiB", chunked.body().strip());
        }
        stillServes();
    }

    /** A review padded to over {@code mebibytes} MiB. */
    private static byte[] review(int mebibytes) throws IOException {
        return WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"))
                .toString()
                .replace("\"spec\":{", "\"spec\":{\"pad\":\"" + "x".repeat(mebibytes * 1024 * 1024) + "\",")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aChunkedReviewUnderTheLimitIsAnswered() throws Exception {
        ObjectNode review = WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"));
        byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = client.postChunked("mutate", body);
        assertEquals(200, response.statusCode(), response.body());
        assertNotNull(
                WebhookClient.patch(WebhookClient.JSON.readTree(response.body()).path("response")));
    }

    @Test
    void aQuarterMebibyteOfFlagsIsLeftUnreadWithAWarning() throws Exception {
        ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
        ArrayNode command =
                (ArrayNode) pod.path("spec").path("containers").path(0).path("command");
        command.set(2, WebhookClient.JSON.getNodeFactory().textNode("gunicorn app:app " + "-w 4 ".repeat(50_000)));
        JsonNode answer = assertAnsweredWithin30s(pod);
        assertTrue(answer.path("warnings").toString().contains("command is over 64 KiB; not read"), answer.toString());
    }

    @Test
    void tenThousandContainersAreAdmittedUnchangedWithOneWarning() throws Exception {
        JsonNode answer = assertAnsweredWithin30s(LargeReviewsIT.pod(10_000, 0));
        assertNull(WebhookClient.patch(answer));
        assertEquals(
                "[\"pid1: 10,000 containers, over the 100 this webhook analyses; left unchanged\"]",
                answer.path("warnings").toString());
    }

    @Test
    void findingsOfAHundredContainersAreCappedToWhatTheApiServerKeeps() throws Exception {
        JsonNode answer = assertAnsweredWithin30s(LargeReviewsIT.pod(100, 0));
        JsonNode warnings = answer.path("warnings");
        assertEquals(AnswerCaps.MAX_WARNINGS, warnings.size(), warnings.toString());
        int characters = 0;
        for (JsonNode warning : warnings) {
            characters += warning.asText().length();
        }
        assertTrue(characters <= 4096, characters + " characters of warnings");
        String last = warnings.path(AnswerCaps.MAX_WARNINGS - 1).asText();
        assertTrue(last.matches("pid1: … and \\d+ more"), warnings.toString());
        String findings = answer.path("auditAnnotations").path("findings").asText();
        assertTrue(findings.length() <= AnswerCaps.MAX_ANNOTATION_CHARS, findings.length() + " characters");
        assertTrue(findings.lines().reduce((a, b) -> b).orElseThrow().matches("pid1: … and \\d+ more"), findings);
    }

    @Test
    void aLargeReviewPastItsDeadlineIsAdmittedUnchangedWithAWarning() throws Exception {
        ObjectNode review = WebhookClient.review(LargeReviewsIT.pod(90, 300));
        byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(body.length > AdmissionService.INLINE_BYTES);
        byte[] answer = service.handle(body, Endpoint.MUTATE, new ReviewDeadline(System.nanoTime() - 1))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        JsonNode response = WebhookClient.JSON.readTree(answer).path("response");
        assertEquals(
                review.path("request").path("uid").asText(),
                response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean());
        assertFalse(response.has("patch"));
        assertEquals(
                "[\"" + AdmissionService.LATE + "\"]", response.path("warnings").toString());
    }

    @Test
    void aLargeReviewThatFindsTheQueueFullIsAdmittedUnchangedWithAWarning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int held = 0;
        for (int pass = 0; pass < 2; pass++) {
            // A second pass after a pause fills the place a thread still finishing an earlier review left.
            while (large.offer(() -> awaitQuietly(release))) {
                held++;
            }
            Thread.sleep(200);
        }
        try {
            assertEquals(LargeReviews.THREADS + LargeReviews.WAITING, held);
            JsonNode answer = assertAnsweredWithin30s(LargeReviewsIT.pod(90, 300));
            assertNull(WebhookClient.patch(answer));
            assertEquals(
                    "[\"" + AdmissionService.BUSY + "\"]",
                    answer.path("warnings").toString());
        } finally {
            release.countDown();
        }
        assertNotNull(WebhookClient.patch(assertAnsweredWithin30s(LargeReviewsIT.pod(90, 300))));
    }

    @Test
    void aNewlineInThePodNameOrNamespaceCannotForgeALogLine() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger admission = java.util.logging.Logger.getLogger("pid1.admission");
        admission.addHandler(capture);
        try {
            ObjectNode pod = AdmissionEndpointTest.pod("gunicorn-sh-c");
            String forged = "\n2026-12-05T00:00:00.000+0000 INFO  [pid1.admission] pod=kube-system/forged";
            pod.with("metadata").put("name", "web" + forged).put("namespace", "shop\u2028" + forged);
            ((ObjectNode) pod.path("spec").path("containers").path(0)).put("name", "web\r" + forged);
            ObjectNode review = WebhookClient.review(pod);
            ((ObjectNode) review.get("request")).put("namespace", "shop\u2028" + forged);
            assertEquals(200, client.post("mutate", review.toString()).statusCode());
        } finally {
            admission.removeHandler(capture);
        }
        String line = logged.stream()
                .filter(m -> m.startsWith("pod="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(logged));
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
        assertTrue(line.startsWith("pod=shop\\u2028\\n2026-12-05T00:00:00.000+0000 INFO"), line);
        assertTrue(line.contains("fixes=web\\r\\n2026"), line);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void invalidUtf8IsA400() throws Exception {
        byte[] review = WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"))
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(review, StandardCharsets.UTF_8);
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        int at = text.indexOf("shop-web");
        broken.write(review, 0, at);
        broken.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        broken.write(review, at, review.length - at);
        HttpResponse<byte[]> response = client.post("mutate", broken.toByteArray());
        assertOneLine400(
                response.statusCode(),
                new String(response.body(), StandardCharsets.UTF_8),
                "pid1: body is not JSON: Invalid UTF-8");
    }

    @Test
    void duplicateKeysAreReadLastOneWinsAndAnsweredWithThatUid() throws Exception {
        ObjectNode review = WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c"));
        String body = review.toString().replace("\"request\":{", "\"request\":{\"uid\":\"first\",");
        HttpResponse<String> response = client.post("mutate", body);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                review.path("request").path("uid").asText(),
                WebhookClient.JSON
                        .readTree(response.body())
                        .path("response")
                        .path("uid")
                        .asText());
    }

    /** The allowed answer for {@code pod}, within kube-apiserver's longest webhook timeout. */
    private JsonNode assertAnsweredWithin30s(ObjectNode pod) throws Exception {
        ObjectNode review = WebhookClient.review(pod);
        HttpResponse<String> response = client.post("mutate", review.toString(), Duration.ofSeconds(30));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = WebhookClient.JSON.readTree(response.body()).path("response");
        assertEquals(
                review.path("request").path("uid").asText(), answer.path("uid").asText());
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
