package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the admission endpoint with mutated real reviews: never a 5xx; every answer is
 * either an allowed AdmissionReview with the request's uid (and a patch that applies to the pod), or
 * a 400/413 with a one-line reason. Most cases go straight to {@link AdmissionService#handle}; a
 * sample goes over real HTTPS.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
class AdmissionFuzzTest {

    static final long SEED = 20261125L;
    static final int DIRECT_CASES = 10_000;
    static final int HTTPS_CASES = 500;

    @Inject
    AdmissionService service;

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @Test
    void tenThousandMutatedReviewsGetAnAnswerOrAOneLine400() {
        ReviewMutator cases = new ReviewMutator(SEED);
        int answered = 0;
        int patched = 0;
        for (int i = 0; i < DIRECT_CASES; i++) {
            byte[] body = cases.next();
            Endpoint endpoint = i % 3 == 0 ? Endpoint.AUDIT : Endpoint.MUTATE;
            try {
                byte[] answer = service.handle(body, endpoint, ReviewDeadline.after("10s"))
                        .toCompletableFuture()
                        .join();
                patched += checkAnswer(body, answer) ? 1 : 0;
                answered++;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ReviewException bad)) {
                    throw failure(i, e, body);
                }
                checkOneLine("pid1: " + bad.getMessage(), i, body);
            } catch (RuntimeException | AssertionError | IOException e) {
                throw failure(i, e, body);
            }
        }
        assertTrue(answered > DIRECT_CASES / 2, "only " + answered + " cases were reviews at all");
        assertTrue(patched > DIRECT_CASES / 10, "only " + patched + " cases were patched");
    }

    private static AssertionError failure(int i, Throwable e, byte[] body) {
        return new AssertionError("case " + i + " (seed " + SEED + "): " + e + "\n" + excerpt(body), e);
    }

    @Test
    void aSampleOverHttpsNeverGetsA5xx() throws Exception {
        WebhookClient client = new WebhookClient(
                URI.create("https://localhost:" + base.getPort() + "/"), TlsFiles.dir.resolve(TlsMaterial.CA_FILE));
        ReviewMutator cases = new ReviewMutator(SEED + 1);
        for (int i = 0; i < HTTPS_CASES; i++) {
            byte[] body = cases.next();
            HttpResponse<byte[]> response = client.post(i % 3 == 0 ? "audit" : "mutate", body);
            String context = "case " + i + " (seed " + (SEED + 1) + "): HTTP " + response.statusCode();
            switch (response.statusCode()) {
                case 200 -> checkAnswer(body, response.body());
                case 400, 413 -> checkOneLine(new String(response.body(), StandardCharsets.UTF_8).strip(), i, body);
                default -> fail(context + "\n" + excerpt(body));
            }
        }
    }

    /**
     * An allowed AdmissionReview with the request's uid, one-line warnings, a patch that applies to
     * the pod; whether there was a patch.
     */
    static boolean checkAnswer(byte[] request, byte[] answer) throws IOException {
        JsonNode sent = WebhookClient.JSON.readTree(request);
        JsonNode review = WebhookClient.JSON.readTree(answer);
        assertEquals("admission.k8s.io/v1", review.path("apiVersion").asText());
        assertEquals("AdmissionReview", review.path("kind").asText());
        JsonNode response = review.path("response");
        assertEquals(
                sent.path("request").path("uid").asText(), response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean(false), "not allowed");
        assertFalse(response.path("warnings").toString().contains("internal error"), "the engine failed: " + response);
        for (JsonNode warning : response.path("warnings")) {
            assertTrue(warning.asText().startsWith("pid1:") && !warning.asText().contains("\n"), "warning " + warning);
        }
        if (response.has("patch")) {
            JsonNode patch = WebhookClient.JSON.readTree(
                    Base64.getDecoder().decode(response.path("patch").asText()));
            JsonPatch.validate(patch);
            JsonPatch.apply(patch, sent.path("request").path("object"));
            return true;
        }
        return false;
    }

    static void checkOneLine(String body, int index, byte[] request) {
        if (!body.startsWith("pid1: ") || body.contains("\n") || body.contains("Exception") || body.length() > 200) {
            fail("case " + index + ": not a one-line reason: " + body + "\n" + excerpt(request));
        }
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }
}
