package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @ParameterizedTest
    @CsvSource({
        "nginx,                              registry-1.docker.io/library/nginx:latest",
        "nginx:1.27,                         registry-1.docker.io/library/nginx:1.27",
        "bitnami/redis:7,                    registry-1.docker.io/bitnami/redis:7",
        "docker.io/nginx,                    registry-1.docker.io/library/nginx:latest",
        "index.docker.io/library/nginx:1,    registry-1.docker.io/library/nginx:1",
        "ghcr.io/org/app/api:v2.1,           ghcr.io/org/app/api:v2.1",
        "127.0.0.1:5000/app,                 127.0.0.1:5000/app:latest",
        "localhost/app:dev,                  localhost/app:dev",
        "Registry.Example:443/team/app:x,    registry.example:443/team/app:x",
        "quay.io/app@DIGEST,                 quay.io/app@DIGEST",
        "quay.io/app:1.0@DIGEST,             quay.io/app@DIGEST",
        "python@DIGEST,                      registry-1.docker.io/library/python@DIGEST",
        "'[::1]:5000/app:v1',                '[::1]:5000/app:v1'",
    })
    void dockerDefaultsApply(String image, String canonical) {
        assertEquals(
                canonical.replace("DIGEST", DIGEST),
                ImageReference.parse(image.replace("DIGEST", DIGEST)).toString());
    }

    @ParameterizedTest
    @CsvSource({
        "quay.io/app:1.0, 1.0",
        "quay.io/app@DIGEST, DIGEST",
        "app:1.0@DIGEST, DIGEST",
    })
    void manifestReferenceIsTheDigestElseTheTag(String image, String reference) {
        ImageReference parsed = ImageReference.parse(image.replace("DIGEST", DIGEST));
        assertEquals(reference.replace("DIGEST", DIGEST), parsed.manifestReference());
        assertEquals(reference.equals("DIGEST"), parsed.pinned());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Nginx          | invalid repository \"library/Nginx\"",
                "app:bad:tag    | invalid repository \"library/app:bad\"",
                "app:-x         | invalid tag \"-x\"",
                "app@sha256:abc | invalid digest \"sha256:abc\"",
                "app@md5:abcdef | invalid digest \"md5:abcdef\"",
                "quay.io/       | no repository in \"quay.io/\"",
                "bad image      | invalid repository \"library/bad image\"",
                "host:5000/     | no repository in \"host:5000/\"",
            })
    void invalidReferencesSayWhy(String image, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(image));
        assertEquals(reason, e.getMessage());
    }
}
