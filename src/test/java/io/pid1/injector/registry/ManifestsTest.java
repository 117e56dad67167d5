package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pid1.injector.core.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestsTest {

    private static RegistryClient.Fetched fetched(String body, String contentType) {
        return new RegistryClient.Fetched(body.getBytes(StandardCharsets.UTF_8), Optional.ofNullable(contentType));
    }

    private static String reason(Runnable action) {
        return assertThrows(LookupFailure.class, action::run).reason();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"manifests\": []}                                              | application/vnd.oci.image.index.v1+json | true",
                "{\"manifests\": []}                                              | application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8 | true",
                "{\"config\": {}}                                                 | application/vnd.docker.distribution.manifest.v2+json | false",
                "{\"mediaType\": \"application/vnd.oci.image.index.v1+json\"}    | application/octet-stream | true",
                "{\"manifests\": []}                                              |                        | true",
                "{\"config\": {}}                                                 |                        | false",
            })
    void theKindComesFromTheContentTypeElseTheBody(String body, String contentType, boolean index) {
        assertEquals(index, Manifests.read(fetched(body, contentType)).index());
    }

    @Test
    void unsupportedOrUnreadableManifestsAreFailures() {
        assertEquals(
                "unsupported manifest type application/vnd.docker.distribution.manifest.v1+prettyjws",
                reason(() -> Manifests.read(fetched(
                        "{\"schemaVersion\": 1}", "application/vnd.docker.distribution.manifest.v1+prettyjws"))));
        assertEquals("unreadable manifest", reason(() -> Manifests.read(fetched("[1]", null))));
        assertEquals("unreadable manifest", reason(() -> Manifests.read(fetched("<html>", "text/html"))));
    }

    @Test
    void thePlatformEntryIsLinuxOfTheArchitecture() {
        Manifests.Manifest index = Manifests.read(fetched("""
                {"manifests": [
                  {"digest": "sha256:win", "platform": {"os": "windows", "architecture": "arm64"}},
                  {"digest": "sha256:att", "platform": {"os": "unknown", "architecture": "unknown"}},
                  {"digest": "sha256:arm", "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
                  {"digest": "sha256:amd", "platform": {"os": "linux", "architecture": "amd64"}}
                ]}""", Manifests.OCI_INDEX));
        assertEquals("sha256:arm", Manifests.platform(index, "arm64"));
        assertEquals("sha256:amd", Manifests.platform(index, "amd64"));
        assertEquals("no linux/riscv64 image in the index", reason(() -> Manifests.platform(index, "riscv64")));
    }

    @Test
    void aManifestOfAnotherArtifactIsNotAnImage() {
        Manifests.Manifest chart = Manifests.read(fetched("""
                {"config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": "sha256:c"}}""", Manifests.OCI_MANIFEST));
        assertEquals(
                "not a container image (config type application/vnd.cncf.helm.config.v1+json)",
                reason(() -> Manifests.configDigest(chart)));
    }

    @Test
    void digestsAreVerified() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Manifests.verify(body, "sha256:" + OciLayoutWriter.sha256(body));
        assertEquals(
                "digest mismatch for sha256:" + "0".repeat(64),
                reason(() -> Manifests.verify(body, "sha256:" + "0".repeat(64))));
    }

    @Test
    void imageConfigFieldsAreRead() {
        ImageConfig config = ImageConfigs.read("""
                {"architecture": "amd64", "config": {"Entrypoint": null, "Cmd": ["sh"], "WorkingDir": "",
                 "Env": ["A=1", "B=x=y", "A=2", "EMPTY=", "BARE"], "User": "app"}}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                new ImageConfig(
                        List.of(),
                        List.of("sh"),
                        Optional.empty(),
                        Map.of("A", "2", "B", "x=y", "EMPTY", "", "BARE", ""),
                        Optional.of("app"),
                        Optional.empty()),
                config);
        assertEquals(
                "unreadable image config",
                reason(() ->
                        ImageConfigs.read("{\"config\": {\"Cmd\": \"sh -c x\"}}".getBytes(StandardCharsets.UTF_8))));
    }
}
