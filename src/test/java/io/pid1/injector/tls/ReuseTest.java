package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReuseTest {

    @TempDir
    Path dir;

    /** Spoils a freshly written set in a directory. */
    @FunctionalInterface
    interface Breakage {
        void apply(Path dir) throws IOException;
    }

    @Test
    void reusesAFreshSet() throws Exception {
        TlsMaterial material = Certificates.create("web", "ns");
        material.writeTo(dir);

        Certificates.Existing existing = Certificates.inspect(dir, "web", "ns");

        assertTrue(existing.material().isPresent(), existing.reason());
        assertEquals(material.certificate(), existing.material().get().certificate());
        assertEquals(
                material.certificate(),
                Certificates.reuse(dir, "web", "ns").orElseThrow().certificate());
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                broken("missing ca.crt", d -> Files.delete(d.resolve("ca.crt")), "ca.crt"),
                broken("missing tls.crt", d -> Files.delete(d.resolve("tls.crt")), "tls.crt"),
                broken("missing tls.key", d -> Files.delete(d.resolve("tls.key")), "tls.key"),
                broken("garbage ca.crt", d -> Files.writeString(d.resolve("ca.crt"), "garbage"), "ca.crt"),
                broken("binary tls.crt", d -> Files.write(d.resolve("tls.crt"), new byte[] {0, -1, 42}), "tls.crt"),
                broken(
                        "broken PEM tls.key",
                        d -> Files.writeString(
                                d.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                        "tls.key"),
                broken(
                        "key of another set",
                        d -> Files.writeString(
                                d.resolve("tls.key"),
                                Certificates.create("web", "ns").keyPem()),
                        "tls.key"),
                broken(
                        "CA of another set",
                        d -> Files.writeString(
                                d.resolve("ca.crt"),
                                Certificates.create("web", "ns").caPem()),
                        "ca.crt"),
                broken(
                        "ends within 30 days",
                        d -> Certificates.create("web", "ns", Duration.ofDays(29))
                                .writeTo(d),
                        "within 30 days"),
                broken(
                        "made for another service",
                        d -> Certificates.create("api", "ns").writeTo(d),
                        "web.ns"),
                broken(
                        "made for another namespace",
                        d -> Certificates.create("web", "other").writeTo(d),
                        "web.ns"),
                broken("made without 127.0.0.1", d -> without("127.0.0.1").writeTo(d), "lacks the names 127.0.0.1"),
                broken("made without ::1", d -> without("::1").writeTo(d), "lacks the names ::1"));
    }

    /** A set for web in ns whose serving certificate holds every name but {@code name}. */
    private static TlsMaterial without(String name) {
        List<String> names = new ArrayList<>(Certificates.serverNames("web", "ns"));
        names.remove(name);
        return Certificates.issue("CN=web.ns.svc", names, Certificates.SERVING_VALIDITY);
    }

    private static Arguments broken(String name, Breakage breakage, String reasonMentions) {
        return Arguments.of(name, breakage, reasonMentions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void rejectsABrokenSetAndSaysWhy(String name, Breakage breakage, String reasonMentions) throws Exception {
        Certificates.create("web", "ns").writeTo(dir);
        breakage.apply(dir);

        Certificates.Existing existing = Certificates.inspect(dir, "web", "ns");

        assertTrue(existing.material().isEmpty(), name);
        assertTrue(existing.reason().contains(reasonMentions), existing.reason());
        assertTrue(Certificates.reuse(dir, "web", "ns").isEmpty());
    }

    @Test
    void acceptsASetThatEndsJustAfterThirtyDays() throws Exception {
        Certificates.create("web", "ns", Duration.ofDays(31)).writeTo(dir);
        assertTrue(Certificates.reuse(dir, "web", "ns").isPresent());
    }

    @Test
    void ensureCreatesOnceAndThenReuses() throws Exception {
        Certificates.Ensured first = Certificates.ensure(dir, "web", "ns");
        Certificates.Ensured second = Certificates.ensure(dir, "web", "ns");

        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(first.material().certificate(), second.material().certificate());
        assertEquals(first.material().ca(), second.material().ca());
        assertEquals(first.material().certificate(), TlsMaterial.readFrom(dir).certificate());
    }

    @Test
    void ensureReplacesASetThatCannotBeReused() throws Exception {
        TlsMaterial old = Certificates.create("web", "ns", Duration.ofDays(5));
        old.writeTo(dir);

        Certificates.Ensured ensured = Certificates.ensure(dir, "web", "ns");

        assertTrue(ensured.created());
        assertNotEquals(old.certificate(), ensured.material().certificate());
        assertEquals(ensured.material().certificate(), TlsMaterial.readFrom(dir).certificate());
        assertTrue(Certificates.reuse(dir, "web", "ns").isPresent());
    }
}
