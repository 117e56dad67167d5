package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.testing.LoopbackPorts;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A registry that accepts connections and never answers: admissions keep their deadline. */
class SilentRegistryTest {

    private static final Duration BUDGET = Duration.ofMillis(800);
    /** Bounds stop short of what broken code would take (a second wait of the budget), never tighter: load. */
    private static final long SLACK_MS = 700;

    @Test
    void theLookupEndsWithinItsBudgetAndTheRegistryIsThenSkipped() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            ImageResolver resolver = ImageResolver.create(RegistrySettings.defaults()
                    .withInsecureHosts(Set.of(silent.host()))
                    .withInternalAllowed(Set.of(silent.host()))
                    .withTimeout(BUDGET));
            String image = silent.host() + "/app:v1";

            long start = System.nanoTime();
            ImageFacts first = resolver.resolve(Pods.of(image));
            long firstMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Map.of(image, "timed out after 800 ms"), first.failures());
            assertTrue(
                    firstMs >= BUDGET.toMillis() - 50 && firstMs < BUDGET.toMillis() + SLACK_MS,
                    "took " + firstMs + " ms");
            int connections = silent.connections();
            assertEquals(1, connections);

            String other = silent.host() + "/other:v2";
            start = System.nanoTime();
            ImageFacts second = resolver.resolve(Pods.of(image, other));
            long secondMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(secondMs < BUDGET.toMillis(), "took " + secondMs + " ms");
            assertEquals(
                    Map.of(
                            image,
                            "timed out after 800 ms",
                            other,
                            "registry " + silent.host() + " failed recently (timed out after 800 ms)"),
                    second.failures());
            assertEquals(connections, silent.connections(), "no new connection to the failing registry");
        }
    }

    @Test
    void aRegistryThatRefusesConnectionsIsAShortReason() throws Exception {
        String host = "127.0.0.1:" + LoopbackPorts.free();
        ImageResolver resolver = ImageResolver.create(
                RegistrySettings.defaults().withInsecureHosts(Set.of(host)).withInternalAllowed(Set.of(host)));
        String image = host + "/app:v1";
        assertEquals(
                Map.of(image, "cannot connect to " + host),
                resolver.resolve(Pods.of(image)).failures());
    }
}
