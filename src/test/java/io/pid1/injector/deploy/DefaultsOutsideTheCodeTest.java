package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.pid1.injector.core.EngineSettings;
import io.pid1.injector.core.FixKind;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import io.pid1.injector.webhook.WebhookConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The manifests and image scripts in deploy/ and the table of docs/reference.md repeat defaults of the code (a
 * manifest cannot import a constant): the version, the ports, the shared Secret's name, the drain. Each must
 * equal the one in the code.
 */
class DefaultsOutsideTheCodeTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final WebhookConfig DEFAULTS = WebhookConfig.of(Map.of());

    @Test
    void theManifestsAndImageScriptsNameTheBuiltVersion() throws IOException {
        JsonNode kustomization =
                documents(DEPLOY.resolve("base/kustomization.yaml")).get(0);
        assertEquals(
                EngineSettings.VERSION,
                kustomization.path("images").path(0).path("newTag").asText());
        assertEquals(EngineSettings.DEFAULT_INIT_IMAGE, env(webhook(), "PID1_INIT_IMAGE"));
        for (String script : List.of("build-init-image.sh", "build-webhook-image.sh")) {
            List<String> lines = Files.readAllLines(DEPLOY.resolve("image").resolve(script));
            String tag = "tag=" + EngineSettings.VERSION;
            assertTrue(lines.contains(tag), script + " has no line " + tag);
        }
    }

    @Test
    void theManifestsUseTheConfiguredPorts() throws IOException {
        JsonNode webhook = webhook();
        assertEquals(DEFAULTS.webhookPort(), port(webhook, "https"));
        assertEquals(DEFAULTS.managementPort(), port(webhook, "management"));
        assertEquals(String.valueOf(DEFAULTS.webhookPort()), env(webhook, "PID1_WEBHOOK_PORT"));
        assertEquals(String.valueOf(DEFAULTS.managementPort()), env(webhook, "PID1_MANAGEMENT_PORT"));
        JsonNode metrics = documents(DEPLOY.resolve("base/service.yaml"))
                .get(0)
                .path("spec")
                .path("ports")
                .path(1);
        assertEquals(DEFAULTS.managementPort(), metrics.path("port").asInt());
    }

    @Test
    void theSelfManagedTlsOverlayNamesTheDefaultSecret() throws IOException {
        assertEquals(AutoTlsTarget.DEFAULT_SECRET, DEFAULTS.tls().autoSecret());
        Path overlay = DEPLOY.resolve("overlays/self-managed-tls");
        assertEquals(
                AutoTlsTarget.DEFAULT_SECRET,
                documents(overlay.resolve("secret.yaml"))
                        .get(0)
                        .path("metadata")
                        .path("name")
                        .asText());
        List<String> granted = new ArrayList<>();
        for (JsonNode document : documents(overlay.resolve("rbac.yaml"))) {
            document.path("rules").forEach(rule -> rule.path("resourceNames").forEach(n -> granted.add(n.asText())));
        }
        assertTrue(granted.contains(AutoTlsTarget.DEFAULT_SECRET), granted.toString());
        assertTrue(granted.contains(AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION), granted.toString());
    }

    @Test
    void theReferenceTableGivesTheCodesDefaults() throws IOException {
        Map<String, String> documented = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `(PID1_[A-Z_]+)` \\| `([^`]*)` \\|")
                .matcher(Files.readString(Path.of("docs", "reference.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        Map<String, String> code = Map.ofEntries(
                Map.entry("PID1_WEBHOOK_PORT", String.valueOf(DEFAULTS.webhookPort())),
                Map.entry("PID1_MANAGEMENT_PORT", String.valueOf(DEFAULTS.managementPort())),
                Map.entry("PID1_LISTEN_HOST", DEFAULTS.listenHost()),
                Map.entry("PID1_MODE", DEFAULTS.mode()),
                Map.entry(
                        "PID1_FIXES",
                        FixKind.defaults().stream().map(FixKind::id).collect(Collectors.joining(","))),
                Map.entry("PID1_INIT_IMAGE", EngineSettings.DEFAULT_INIT_IMAGE),
                Map.entry("PID1_SHIM_IMAGE", EngineSettings.DEFAULT_SHIM_IMAGE),
                Map.entry("PID1_DRAIN_SECONDS", String.valueOf(EngineSettings.DEFAULT_DRAIN_SECONDS)),
                Map.entry(
                        "PID1_NATIVE_SIDECARS",
                        String.valueOf(EngineSettings.defaults().nativeSidecars())),
                Map.entry(
                        "PID1_PIN_DIGEST",
                        String.valueOf(EngineSettings.defaults().pinDigest())),
                Map.entry(
                        "PID1_TLS_RELOAD_PERIOD", DEFAULTS.tls().reloadPeriod().toSeconds() + "s"),
                Map.entry("PID1_TLS_DIR", DEFAULTS.tls().dir()),
                Map.entry("PID1_TLS_AUTO", String.valueOf(DEFAULTS.tls().auto())),
                Map.entry("PID1_TLS_AUTO_SECRET", DEFAULTS.tls().autoSecret()),
                Map.entry("PID1_TLS_AUTO_WEBHOOK", DEFAULTS.tls().autoWebhook()),
                Map.entry(
                        "PID1_REGISTRY_LOOKUP",
                        String.valueOf(DEFAULTS.registry().lookup())),
                Map.entry(
                        "PID1_REGISTRY_TIMEOUT_MS",
                        String.valueOf(DEFAULTS.registry().timeoutMs())),
                Map.entry("PID1_REGISTRY_DEFAULT_ARCH", DEFAULTS.registry().defaultArch()),
                Map.entry("PID1_SHUTDOWN_DELAY", DEFAULTS.shutdown().delay().toSeconds() + "s"),
                Map.entry("PID1_SHUTDOWN_TIMEOUT", DEFAULTS.shutdown().timeout().toSeconds() + "s"));
        assertEquals(code, documented);
    }

    private static JsonNode webhook() throws IOException {
        return documents(DEPLOY.resolve("base/deployment.yaml"))
                .get(0)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named " + name + " in " + container.path("ports"));
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText();
            }
        }
        throw new AssertionError("no variable " + name + " in " + container.path("env"));
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (MappingIterator<JsonNode> documents =
                Rendered.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return documents.readAll();
        }
    }
}
