package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.core.ImageConfig;
import io.pid1.injector.core.ImageFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * #21 class 6 in the CLI: writing an image's CMD into a long-lived manifest pins the image to the digest it was
 * read from, with a comment; the registry side (which digest) is RegistryLookupTest's.
 */
class PinnedImageTest {

    private static final String DIGEST = "sha256:" + "c3".repeat(32);
    private static final String DEPLOYMENT = """
            # the shop's web tier
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      image: registry.example/shop:2.1.0
            """;
    private static final ImageFacts SHOP = new ImageFacts(
            Map.of(
                    "registry.example/shop:2.1.0",
                    new ImageConfig(
                            List.of(),
                            List.of("gunicorn", "shop.wsgi", "-w", "4", "-b", "0.0.0.0:8000"),
                            Optional.empty(),
                            Map.of(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(DIGEST))),
            Map.of());

    @Test
    void aDeploymentWhoseCmdIsWrittenIsPinnedWithAComment() {
        CliRun run = CliRun.with(DEPLOYMENT, false, pod -> SHOP, "mutate", "-f", "-");
        assertEquals(0, run.exit(), run.err());
        assertTrue(
                run.out()
                        .contains(
                                "image: registry.example/shop@" + DIGEST
                                        + "  # pid1: pinned to the digest the command below was read from; retag by re-running mutate\n"),
                run.out());
        assertTrue(run.out().contains("- gunicorn\n"), "the CMD is in the manifest:\n" + run.out());
    }

    @Test
    void mutatingThePinnedManifestAgainChangesNothing() {
        String once =
                CliRun.with(DEPLOYMENT, false, pod -> SHOP, "mutate", "-f", "-").out();
        assertEquals(
                once, CliRun.with(once, false, pod -> SHOP, "mutate", "-f", "-").out());
    }

    @Test
    void theAuditSaysThePin() {
        String table =
                CliRun.with(DEPLOYMENT, false, pod -> SHOP, "audit", "-f", "-").out();
        assertTrue(table.contains("image pinned to sha256:c3c3c3c3c3c3…"), table);
    }
}
