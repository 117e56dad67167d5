package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pid1.injector.registry.RegistryWithImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pods that rely on their image: the webhook reads ENTRYPOINT and CMD from a real registry. */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@WithTestResource(RegistryWithImages.class)
class ImageLookupTest extends ServedWebhookTest {

    ObjectNode podOf(String image) {
        ObjectNode pod =
                WebhookClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "shop");
        pod.putObject("spec")
                .putArray("containers")
                .addObject()
                .put("name", "web")
                .put("image", RegistryWithImages.host + "/" + image);
        return pod;
    }

    @Test
    void theImageCmdIsMadeExplicitBehindTini() throws Exception {
        ObjectNode pod = podOf("shop:v1");
        JsonNode web = JsonPatch.apply(WebhookClient.patch(client.review("mutate", pod)), pod)
                .path("spec")
                .path("containers")
                .path(0);
        assertEquals(List.of("/.pid1/tini", "--"), AdmissionEndpointTest.strings(web.path("command")));
        assertEquals(
                List.of("gunicorn", "shop.wsgi", "-w", "4", "-b", "0.0.0.0:8000"),
                AdmissionEndpointTest.strings(web.path("args")));
    }

    @Test
    void noInitGoesInFrontOfAnEntrypointScriptButTheServerIsStillFixed() throws Exception {
        ObjectNode pod = podOf("wrapped:v1");
        JsonNode answer = client.review("mutate", pod);
        JsonNode web = JsonPatch.apply(WebhookClient.patch(answer), pod)
                .path("spec")
                .path("containers")
                .path(0);
        assertFalse(web.has("command"));
        assertTrue(web.path("lifecycle").path("preStop").has("sleep"));
        assertTrue(
                AdmissionEndpointTest.strings(answer.path("warnings"))
                        .contains(
                                "pid1: container \"web\": no init: docker-entrypoint.sh may be a script without exec; tini would cut the drain"),
                answer.toString());
    }

    @Test
    void aShellFormCmdBecomesExecForm() throws Exception {
        ObjectNode pod = podOf("shell:v1");
        JsonNode answer = client.review("mutate", pod);
        JsonNode web = JsonPatch.apply(WebhookClient.patch(answer), pod)
                .path("spec")
                .path("containers")
                .path(0);
        assertEquals(
                List.of("/.pid1/tini", "--", "gunicorn", "shop.wsgi", "-b", "0.0.0.0:8000"),
                AdmissionEndpointTest.strings(web.path("command")));
        assertFalse(web.has("args"));
    }

    @Test
    void anImageTheRegistryDoesNotHaveIsAWarningAndNoCommand() throws Exception {
        JsonNode answer = client.review("mutate", podOf("missing:v1"));
        assertNull(WebhookClient.patch(answer));
        String warning = answer.path("warnings").path(0).asText();
        assertTrue(
                warning.startsWith(
                        "pid1: container \"web\": image " + RegistryWithImages.host + "/missing:v1 unreadable:"),
                warning);
    }
}
