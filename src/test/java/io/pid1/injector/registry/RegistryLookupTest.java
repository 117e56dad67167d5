package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.core.ImageConfig;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.webhook.WebhookConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The resolver against a real registry (Debian's docker-registry) holding images pushed by skopeo. */
class RegistryLookupTest {

    @TempDir
    static Path dir;

    static TestRegistry registry;

    @BeforeAll
    static void pushImages() throws Exception {
        registry = TestRegistry.start(Files.createDirectory(dir.resolve("registry")), "");
        registry.push(
                OciLayoutWriter.index(
                        dir.resolve("multi"),
                        Map.of(
                                "amd64", Map.of("Cmd", List.of("serve", "--amd64")),
                                "arm64", Map.of("Cmd", List.of("serve", "--arm64")))),
                "multi:v1",
                false,
                Optional.empty());
        registry.push(
                OciLayoutWriter.image(
                        dir.resolve("docker"),
                        "amd64",
                        Map.of(
                                "Entrypoint", List.of("/docker-entrypoint.sh"),
                                "Cmd", List.of("nginx", "-g", "daemon off;"))),
                "docker:v1",
                true,
                Optional.empty());
        Path shell = OciLayoutWriter.image(
                dir.resolve("shell"),
                "amd64",
                Map.of(
                        "Cmd", List.of("/bin/sh", "-c", "gunicorn app:app"),
                        "WorkingDir", "/srv/app",
                        "Env", List.of("PATH=/usr/local/bin:/usr/bin", "GUNICORN_CMD_ARGS=--workers=2 --bind=:8000"),
                        "User", "1000:1000",
                        "StopSignal", "SIGQUIT"));
        for (String repository : List.of("shell", "twice", "again", "pinned", "retag", "crowd", "gone")) {
            registry.push(shell, repository + ":v1", false, Optional.empty());
        }
        registry.push(
                OciLayoutWriter.image(
                        dir.resolve("tini"),
                        "amd64",
                        Map.of(
                                "Entrypoint", List.of("tini", "--"),
                                "Cmd", List.of("python3", "app.py"))),
                "tini:v1",
                false,
                Optional.empty());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static ImageResolver resolver() {
        return ImageResolver.create(onLoopback(RegistrySettings.defaults()));
    }

    /** The test registry speaks plain HTTP on loopback, which the webhook refuses unless both are allowed. */
    private static RegistrySettings onLoopback(RegistrySettings settings) {
        return settings.withInsecureHosts(Set.of(registry.host())).withInternalAllowed(Set.of(registry.host()));
    }

    private static String image(String repositoryAndTag) {
        return registry.host() + "/" + repositoryAndTag;
    }

    private static ImageConfig config(ImageFacts facts, String image) {
        return facts.config(image)
                .orElseThrow(() -> new AssertionError("no config for " + image + ", failure: "
                        + facts.failure(image).orElse("none")));
    }

    @ParameterizedTest
    @CsvSource({"arm64, --arm64", "amd64, --amd64"})
    void multiPlatformIndexGivesTheNodeSelectorsArchitecture(String arch, String flag) {
        String image = image("multi:v1");
        ImageFacts facts = resolver().resolve(Pods.onArch(arch, image));
        assertEquals(List.of("serve", flag), config(facts, image).cmd());
    }

    @Test
    void multiPlatformIndexGivesTheRequiredAffinitysArchitecture() {
        String image = image("multi:v1");
        ObjectNode pod = Pods.of(image);
        ((ObjectNode) pod.get("spec")).set("affinity", Pods.parse("""
                {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                  {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]}]}}}
                """));
        assertEquals(
                List.of("serve", "--arm64"),
                config(resolver().resolve(pod), image).cmd());
    }

    @Test
    void multiPlatformIndexGivesTheDefaultArchitectureToAnUnpinnedPod() {
        String image = image("multi:v1");
        assertEquals(
                List.of("serve", "--amd64"),
                config(resolver().resolve(Pods.of(image)), image).cmd());
        ImageResolver armByDefault = ImageResolver.create(onLoopback(new RegistrySettings(
                true, Duration.ofMillis(1500), Optional.empty(), Set.of(), "arm64", Set.of(), Set.of())));
        assertEquals(
                List.of("serve", "--arm64"),
                config(armByDefault.resolve(Pods.of(image)), image).cmd());
    }

    /** #21 class 6: what is pinned is what the tag resolved to; each node must still pick its own platform. */
    @Test
    void aMultiPlatformImageResolvesToItsIndexsDigestNotAPlatforms() throws Exception {
        String image = image("multi:v1");
        String index = registry.digest("multi:v1");
        assertEquals(
                Optional.of(index),
                config(resolver().resolve(Pods.onArch("arm64", image)), image).digest());
        assertEquals(
                Optional.of(index),
                config(resolver().resolve(Pods.onArch("amd64", image)), image).digest());
        String single = image("docker:v1");
        assertEquals(
                Optional.of(registry.digest("docker:v1")),
                config(resolver().resolve(Pods.of(single)), single).digest());
    }

    @Test
    void anArchitectureMissingFromTheIndexIsAFailure() {
        String image = image("multi:v1");
        ImageFacts facts = resolver().resolve(Pods.onArch("s390x", image));
        assertEquals(Optional.of("no linux/s390x image in the index"), facts.failure(image));
    }

    @Test
    void dockerV2ManifestIsRead() throws Exception {
        assertEquals(Manifests.DOCKER_MANIFEST, registry.contentType("docker:v1"));
        String image = image("docker:v1");
        ImageConfig config = config(resolver().resolve(Pods.of(image)), image);
        assertEquals(List.of("/docker-entrypoint.sh"), config.entrypoint());
        assertEquals(List.of("nginx", "-g", "daemon off;"), config.cmd());
    }

    @Test
    void shellFormCmdAndEveryConfigFieldAreRead() throws Exception {
        assertEquals(Manifests.OCI_MANIFEST, registry.contentType("shell:v1"));
        String image = image("shell:v1");
        ImageConfig config = config(resolver().resolve(Pods.of(image)), image);
        assertEquals(
                new ImageConfig(
                                List.of(),
                                List.of("/bin/sh", "-c", "gunicorn app:app"),
                                Optional.of("/srv/app"),
                                Map.of(
                                        "PATH",
                                        "/usr/local/bin:/usr/bin",
                                        "GUNICORN_CMD_ARGS",
                                        "--workers=2 --bind=:8000"),
                                Optional.of("1000:1000"),
                                Optional.of("SIGQUIT"))
                        .resolvedTo(registry.digest("shell:v1")),
                config);
    }

    @Test
    void tiniEntrypointIsRead() {
        String image = image("tini:v1");
        ImageConfig config = config(resolver().resolve(Pods.of(image)), image);
        assertEquals(List.of("tini", "--"), config.entrypoint());
        assertEquals(List.of("python3", "app.py"), config.cmd());
    }

    @Test
    void onlyContainersWithoutCommandAreLookedUp() {
        ObjectNode pod = (ObjectNode) Pods.parse("""
                {"spec": {"containers": [
                  {"name": "own", "image": "%1$s/tini:v1", "command": ["python3"]},
                  {"name": "args", "image": "%1$s/docker:v1", "args": ["nginx"]},
                  {"name": "empty", "image": "%1$s/shell:v1", "command": []}
                ]}}""".formatted(registry.host()));
        ImageFacts facts = resolver().resolve(pod);
        assertEquals(
                Set.of(image("docker:v1"), image("shell:v1")), facts.configs().keySet());
        assertEquals(Map.of(), facts.failures());
    }

    @ParameterizedTest
    @CsvSource({
        "shell:nope, manifest unknown",
        "nothing:v1, manifest unknown",
        "shell@sha256:0000000000000000000000000000000000000000000000000000000000000000, manifest unknown",
    })
    void registryErrorsAreShortReasons(String repositoryAndTag, String reason) {
        String image = image(repositoryAndTag);
        ImageFacts facts = resolver().resolve(Pods.of(image));
        assertEquals(Map.of(image, reason), facts.failures());
        assertEquals(Map.of(), facts.configs());
    }

    @Test
    void anInvalidReferenceIsAFailureAndTheOthersStillResolve() {
        String good = image("tini:v1");
        ImageFacts facts = resolver().resolve(Pods.of("Bad Image!", good));
        assertEquals(Set.of(good), facts.configs().keySet());
        assertTrue(
                facts.failure("Bad Image!").orElseThrow().startsWith("invalid image reference"),
                facts.failures().toString());
    }

    @Test
    void theSameImageTwiceInAPodIsAskedOnce() throws Exception {
        String image = image("twice:v1");
        ImageFacts facts = resolver().resolve(Pods.of(image, image, image));
        assertEquals(
                List.of("/bin/sh", "-c", "gunicorn app:app"),
                config(facts, image).cmd());
        assertEquals(1, registry.requests("/v2/twice/manifests/"));
        assertEquals(1, registry.requests("/v2/twice/blobs/"));
    }

    @Test
    void aTagLookedUpAgainWithinItsLifetimeMakesNoRequest() throws Exception {
        ImageResolver resolver = resolver();
        String image = image("again:v1");
        resolver.resolve(Pods.of(image));
        long manifests = registry.requests("/v2/again/");
        assertEquals(2, manifests, "a manifest and a config blob");
        ImageFacts second = resolver.resolve(Pods.onArch("amd64", image));
        assertTrue(second.config(image).isPresent());
        assertEquals(manifests, registry.requests("/v2/again/"));
    }

    private static ImageResolver shortLivedTags() {
        return new ImageResolver(
                onLoopback(RegistrySettings.defaults()), Duration.ofMillis(1), ImageResolver.FAILURE_TTL);
    }

    @Test
    void aDigestIsCachedForGood() throws Exception {
        ImageResolver resolver = shortLivedTags();
        String pinned = image("pinned@" + registry.digest("pinned:v1"));
        assertTrue(resolver.resolve(Pods.of(pinned)).config(pinned).isPresent());
        assertEquals(2, registry.requests("/v2/pinned/"), "a manifest and a config blob");
        Thread.sleep(50);
        assertTrue(resolver.resolve(Pods.of(pinned)).config(pinned).isPresent());
        assertEquals(2, registry.requests("/v2/pinned/"), "a digest is never asked again");
    }

    @Test
    void anExpiredTagRefetchesOnlyItsManifest() throws Exception {
        ImageResolver resolver = shortLivedTags();
        String tagged = image("retag:v1");
        resolver.resolve(Pods.of(tagged));
        Thread.sleep(50);
        assertTrue(resolver.resolve(Pods.of(tagged)).config(tagged).isPresent());
        assertEquals(2, registry.requests("/v2/retag/manifests/"), "an expired tag is asked again");
        assertEquals(1, registry.requests("/v2/retag/blobs/"), "its unchanged config blob is not");
    }

    @Test
    void concurrentLookupsOfOneImageMakeOneFetch() throws Exception {
        ImageResolver resolver = resolver();
        String image = image("crowd:v1");
        int admissions = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(admissions);
        try {
            List<Future<ImageFacts>> results = new ArrayList<>();
            for (int i = 0; i < admissions; i++) {
                Callable<ImageFacts> admission = () -> {
                    start.await();
                    return resolver.resolve(Pods.of(image));
                };
                results.add(pool.submit(admission));
            }
            start.countDown();
            for (Future<ImageFacts> result : results) {
                assertEquals(
                        List.of("/bin/sh", "-c", "gunicorn app:app"),
                        config(result.get(), image).cmd());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, registry.requests("/v2/crowd/manifests/"));
        assertEquals(1, registry.requests("/v2/crowd/blobs/"));
    }

    @Test
    void aFailingImageIsRememberedBriefly() throws Exception {
        ImageResolver resolver = resolver();
        String image = image("gone:nope");
        Map<String, String> first =
                new LinkedHashMap<>(resolver.resolve(Pods.of(image)).failures());
        Map<String, String> second = resolver.resolve(Pods.of(image)).failures();
        assertEquals(Map.of(image, "manifest unknown"), first);
        assertEquals(first, second);
        assertEquals(1, registry.requests("/v2/gone/manifests/"));
    }

    @Test
    void lookupSwitchedOffGivesNoFacts() {
        RegistrySettings off = WebhookConfig.of(Map.of("pid1.registry.lookup", "false"))
                .registry()
                .settings();
        assertEquals(ImageFacts.none(), ImageResolver.create(off).resolve(Pods.of(image("tini:v1"))));
    }
}
