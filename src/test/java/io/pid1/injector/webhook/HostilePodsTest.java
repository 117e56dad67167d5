package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Pods the engine must leave alone or fix around (issue 20), over real HTTPS: the webhook says
 * the engine's findings as warnings and audit annotations, and sends no patch of what it skips.
 * The pods are the golden cases' {@code in.yaml}.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
class HostilePodsTest extends ServedWebhookTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void windowsAndMirrorPodsGetNoPatchAndAWarningSayingWhy() throws Exception {
        for (String name : new String[] {"110-windows-gunicorn", "112-mirror-static-pod"}) {
            JsonNode answer = client.review("mutate", golden(name));
            assertNull(WebhookClient.patch(answer), answer.toString());
            assertTrue(answer.path("warnings").toString().contains("left as is"), answer.toString());
        }
    }

    @Test
    void theAuthorsVolumeNamedPid1BinIsNeitherReplacedNorMountedAtOurPath() throws Exception {
        JsonNode pod = golden("114-own-volume-pid1-bin");
        JsonNode answer = client.review("mutate", pod);
        JsonNode fixed = JsonPatch.apply(WebhookClient.patch(answer), pod);
        assertEquals(pod.path("spec").path("volumes"), fixed.path("spec").path("volumes"));
        assertTrue(fixed.path("spec").path("initContainers").isMissingNode(), fixed.toString());
        assertTrue(
                answer.path("warnings").toString().contains("the pod's own volume \\\"pid1-bin\\\""),
                answer.toString());
    }

    @Test
    void controlCharactersInAnnotationsReachNoWarningOrAuditAnnotationRaw() throws Exception {
        for (String name : new String[] {"116-health-path-newline", "118-annotations-control-chars"}) {
            JsonNode answer = client.review("mutate", golden(name));
            assertTrue(answer.path("warnings").toString().contains("\\\\u00"), answer.toString());
            answer.path("warnings").forEach(w -> assertPrintable(w.asText()));
            answer.path("auditAnnotations")
                    .forEach(a -> assertPrintable(a.asText().replace('\n', ' ')));
            JsonNode patch = WebhookClient.patch(answer);
            assertTrue(patch == null || !patch.toString().contains("evil"), String.valueOf(patch));
        }
    }

    private static void assertPrintable(String text) {
        assertTrue(text.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F || ch == '…'), text);
    }

    private static JsonNode golden(String name) throws IOException {
        return AdmissionEndpointTest.YAML.readTree(
                GOLDEN.resolve(name).resolve("in.yaml").toFile());
    }
}
