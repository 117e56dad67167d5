package io.pid1.injector.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which containers the catalog knows as sidecars: by image repository (any registry, tag or digest) or command. */
class SidecarCatalogTest {

    private static final Catalog CATALOG = Catalog.builtin();

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "fluent/fluent-bit:3.0                                   | -                          | fluent-bit",
                "cr.fluentbit.io/fluent/fluent-bit:3.1.4                 | -                          | fluent-bit",
                "mirror.example:5000/bitnami/fluent-bit                  | -                          | fluent-bit",
                "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0      | -                          | cloud-sql-proxy",
                "gcr.io/cloudsql-docker/gce-proxy:1.33.2                 | -                          | cloud-sql-proxy",
                "quay.io/oauth2-proxy/oauth2-proxy@sha256:3da33b9670c6   | -                          | oauth2-proxy",
                "docker.io/istio/proxyv2:1.22.3                          | -                          | istio-proxy",
                "cr.l5d.io/linkerd/proxy:stable-2.14.10                  | -                          | linkerd-proxy",
                "registry.example/logging:7                              | /usr/bin/filebeat -e       | filebeat",
                "registry.example/app:1                                  | vector --config /etc/v.yml | vector",
                // not sidecars: a repository that only ends in the same letters, an unrelated image, an app
                "registry.example/my-fluent-bit-fork:1                   | -                          | -",
                "registry.example/proxy:1                                | -                          | -",
                "registry.example/app:1                                  | gunicorn app:app           | -",
            })
    void recognisesKnownSidecars(String image, String command, String expected) {
        List<String> argv = command == null ? List.of() : Arrays.asList(command.split(" "));
        assertEquals(Optional.ofNullable(expected), CATALOG.sidecar(image, argv).map(Sidecar::name));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{sidecars: [{name: x, role: logs}]}                          | field \"images\"",
                "{sidecars: [{name: x, images: [x]}]}                         | field \"role\"",
                "{sidecars: [{name: x, role: carrier, images: [x]}]}          | must be one of logs, database, auth, mesh",
                "{sidecars: [{name: x, role: mesh, images: [x]}]}             | field \"mesh\"",
                "{sidecars: [{name: x, role: logs, images: [x], mesh: Istio}]} | field \"mesh\"",
            })
    void aBadSidecarEntryIsOneLineNamingTheField(String yaml, String expected) {
        InvalidCatalogException e =
                assertThrows(InvalidCatalogException.class, () -> Catalog.withExtra(yaml, "extra.yaml"));
        assertTrue(e.getMessage().contains(expected) && !e.getMessage().contains("\n"), e.getMessage());
    }
}
