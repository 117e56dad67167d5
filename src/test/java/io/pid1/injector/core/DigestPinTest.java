package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.catalog.Catalog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** #21 class 6: the pin follows {@code PID1_PIN_DIGEST}; golden folders 185-188 show it on. */
class DigestPinTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String IMAGE = "registry.example/flask-hello:1.0.0";

    private static JsonNode fixedWith(boolean pin) throws IOException {
        JsonNode pod = GoldenTest.YAML.readTree(GoldenTest.ROOT
                .resolve("185-image-cmd-pinned-to-digest/in.yaml")
                .toFile());
        ImageConfig config = new ImageConfig(
                List.of(),
                List.of("gunicorn", "app:app", "-w", "2", "-b", "0.0.0.0:8000"),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(DIGEST));
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings settings = new EngineSettings(
                defaults.fixes(),
                defaults.init(),
                defaults.initImage(),
                defaults.shimImage(),
                defaults.drainSeconds(),
                defaults.nativeSidecars(),
                defaults.version(),
                pin);
        return new PodFixer(Catalog.builtin(), settings)
                .fix(pod, new ImageFacts(Map.of(IMAGE, config), Map.of()))
                .fixed()
                .path("spec")
                .path("containers")
                .path(0);
    }

    @Test
    void theImageIsPinnedToTheDigestItsCmdWasReadFrom() throws IOException {
        assertEquals(
                "registry.example/flask-hello@" + DIGEST,
                fixedWith(true).path("image").asText());
    }

    @Test
    void pinDigestFalseKeepsTheTagAndStillWritesTheCommand() throws IOException {
        JsonNode web = fixedWith(false);
        assertEquals(IMAGE, web.path("image").asText());
        assertEquals("/.pid1/tini", web.path("command").path(0).asText());
    }

    @Test
    void theTagGoesButARegistrysPortStays() {
        assertEquals("registry.example:5000/shop/web", DigestPin.repository("registry.example:5000/shop/web:2024.06"));
        assertEquals("registry.example:5000/shop/web", DigestPin.repository("registry.example:5000/shop/web"));
        assertEquals("redis", DigestPin.repository("redis:7.2-alpine"));
    }
}
