package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.core.EngineSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the pid1-init image with deploy/image/build-init-image.sh, reads the OCI layout, and runs
 * its command for real in a chroot holding only the image's files, as the image's user.
 */
class InitImageTest {

    private static final String TAG = EngineSettings.VERSION;
    private static final Path TINI = Path.of("/usr/bin/tini-static");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> COPY = List.of("/busybox", "cp", "/tini", "/pid1-probe", "/.pid1/");

    @TempDir
    static Path build;

    private static OciLayoutReader layout;

    @BeforeAll
    static void buildImage() {
        assumeTrue(
                Files.isExecutable(TINI) && Files.isExecutable(BUSYBOX) && Run.available("musl-gcc"),
                "the pid1-init image needs Debian's tini, busybox-static and musl-tools (tests-e2e/install-deps.sh)");
        Run.of(
                        "deploy/image/build-init-image.sh",
                        "--out",
                        build.resolve("first").toString(),
                        "--tag",
                        TAG)
                .ok();
        layout = new OciLayoutReader(build.resolve("first").resolve("oci"));
    }

    private static byte[] layerTar() throws IOException {
        JsonNode layers = layout.manifest(TAG).path("layers");
        assertEquals(1, layers.size(), "one layer");
        assertEquals(
                "application/vnd.oci.image.layer.v1.tar+gzip",
                layers.get(0).path("mediaType").asText());
        try (var gzip = new GZIPInputStream(new ByteArrayInputStream(layout.blob(layers.get(0))))) {
            return gzip.readAllBytes();
        }
    }

    /** Every entry of the layer by name, with its bytes. */
    private static Map<TarArchiveEntry, byte[]> entries() throws IOException {
        Map<TarArchiveEntry, byte[]> entries = new LinkedHashMap<>();
        try (var tar = new TarArchiveInputStream(new ByteArrayInputStream(layerTar()))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry, tar.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void isAValidOciLayout() {
        JsonNode descriptor = layout.manifestDescriptor(TAG);
        JsonNode manifest = layout.manifest(TAG);

        assertEquals("1.0.0", layout.layoutVersion().path("imageLayoutVersion").asText());
        assertEquals(1, layout.index().path("manifests").size());
        assertEquals(
                "application/vnd.oci.image.manifest.v1+json",
                descriptor.path("mediaType").asText());
        assertEquals(2, manifest.path("schemaVersion").asInt());
        assertEquals(
                "application/vnd.oci.image.config.v1+json",
                manifest.path("config").path("mediaType").asText());
    }

    @Test
    void layerHoldsExactlyTiniBusyboxAndTheProbe() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (var entry : entries().entrySet()) {
            TarArchiveEntry header = entry.getKey();
            assertTrue(header.isFile(), header.getName() + " is a regular file");
            assertEquals(0755, header.getMode() & 07777, header.getName());
            assertEquals(
                    0L,
                    header.getLongUserId(),
                    header.getName() + ": root-owned, so the runtime user cannot change it");
            assertEquals(0L, header.getLongGroupId(), header.getName());
            files.put(header.getName(), entry.getValue());
        }

        assertEquals(List.of("busybox", "pid1-probe", "tini"), List.copyOf(files.keySet()));
        assertArrayEquals(Files.readAllBytes(BUSYBOX), files.get("busybox"));
        assertArrayEquals(Files.readAllBytes(TINI), files.get("tini"));
        assertTrue(
                files.get("pid1-probe").length < 256 * 1024, "the probe is small: " + files.get("pid1-probe").length);
    }

    @Test
    void binariesAreStaticAndForTheImagesArchitecture() throws IOException {
        String architecture = layout.config(TAG).path("architecture").asText();
        for (var entry : entries().entrySet()) {
            Elf elf = new Elf(entry.getValue());
            assertTrue(elf.isStatic(), entry.getKey().getName() + " needs no dynamic loader");
            assertEquals(architecture, elf.architecture(), entry.getKey().getName());
        }
    }

    @Test
    void staticCheckRejectsADynamicExecutable() throws IOException {
        Path dynamic = Path.of("/usr/bin/tini");
        assumeTrue(Files.isRegularFile(dynamic), "Debian's dynamic tini is not installed");

        assertFalse(new Elf(Files.readAllBytes(dynamic)).isStatic());
    }

    @Test
    void configRunsTheCopyAsANonRootNumericUser() throws IOException {
        JsonNode config = layout.config(TAG);
        String user = config.path("config").path("User").asText();

        assertTrue(user.matches("[0-9]+:[0-9]+"), "numeric, so runAsNonRoot can be verified: " + user);
        for (String id : user.split(":")) {
            assertTrue(Long.parseLong(id) > 0, user);
        }
        assertEquals(COPY, strings(config.path("config").path("Cmd")));
        assertTrue(
                config.path("config").path("Entrypoint").isMissingNode(),
                "no entrypoint: the pod's command is the copy");
        assertEquals("linux", config.path("os").asText());
        assertEquals(
                List.of("sha256:" + OciLayoutReader.sha256(layerTar())),
                strings(config.path("rootfs").path("diff_ids")));
    }

    @Test
    void isAFewMegabytes() {
        long size = layout.manifest(TAG).path("layers").get(0).path("size").asLong();

        assertTrue(size < 4 * 1024 * 1024, size + " bytes");
    }

    @Test
    void twoBuildsGiveTheSameDigest() {
        Run.of(
                        "deploy/image/build-init-image.sh",
                        "--out",
                        build.resolve("second").toString(),
                        "--tag",
                        TAG)
                .ok();
        OciLayoutReader second = new OciLayoutReader(build.resolve("second").resolve("oci"));

        assertEquals(
                layout.manifestDescriptor(TAG).path("digest"),
                second.manifestDescriptor(TAG).path("digest"));
    }

    @Test
    void ociArchiveHoldsTheSameImage() {
        assumeTrue(Run.available("skopeo"), "skopeo is not installed: no OCI archive is written");
        Path archive = build.resolve("first").resolve("pid1-init-" + TAG + ".tar");
        String manifest = Run.of("skopeo", "inspect", "--raw", "oci-archive:" + archive + ":" + TAG)
                .ok()
                .stdout();

        assertEquals(
                layout.manifestDescriptor(TAG).path("digest").asText(),
                "sha256:" + OciLayoutReader.sha256(manifest.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void commandCopiesTiniAndTheProbeButNotTheCopierAsTheImageUser(@TempDir Path rootfs) throws IOException {
        assumeTrue(Run.of("id", "-u").ok().stdout().trim().equals("0"), "chroot needs root");
        JsonNode config = layout.config(TAG).path("config");
        String user = config.path("User").asText();
        Path layer = build.resolve("layer.tar");
        Files.write(layer, layerTar());
        Run.of("tar", "-xf", layer.toString(), "-C", rootfs.toString()).ok();
        Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path pid1 = Files.createDirectory(rootfs.resolve(".pid1"));
        Files.setPosixFilePermissions(pid1, PosixFilePermissions.fromString("rwxrwxrwx"));

        List<String> copy = new ArrayList<>(List.of("chroot", "--userspec=" + user, rootfs.toString()));
        copy.addAll(strings(config.path("Cmd")));
        Run.of(copy.toArray(String[]::new)).ok();

        String uid = user.split(":")[0];
        assertFalse(Files.exists(pid1.resolve("busybox")), "the copier stays in the init image");
        for (String name : List.of("tini", "pid1-probe")) {
            Path copied = pid1.resolve(name);
            assertEquals(
                    Integer.parseInt(uid), Files.getAttribute(copied, "unix:uid"), name + " copied by the image user");
            assertTrue(Files.getPosixFilePermissions(copied).contains(PosixFilePermission.OTHERS_EXECUTE), name);
        }
        String version = Run.of("chroot", "--userspec=" + user, rootfs.toString(), "/.pid1/tini", "--version")
                .ok()
                .stdout();
        assertTrue(version.startsWith("tini version"), version);
        Run probe = Run.of("chroot", "--userspec=" + user, rootfs.toString(), "/.pid1/pid1-probe", "http", "1");
        assertEquals(1, probe.exitCode(), "nothing listens on port 1 of this machine");
        assertEquals("pid1-probe: nothing accepts on port 1 (127.0.0.1, ::1)\n", probe.stdout());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
