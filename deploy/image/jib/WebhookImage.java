import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Packs a prepared root filesystem into the pid1-injector image with jib-core, "from scratch" and offline: the
 * runtime (jlinked Java, the C runtime files, /etc), then the Quarkus app in Jib's usual layers (dependencies,
 * resources, classes) and the AOT cache of the training run on top, so a new build of the app changes the top
 * layers only. Every file gets the time 1970-01-01T00:00:01Z and owner 0:0, the image the creation time 0: the
 * same root filesystem always gives the same layers (see {@link #AOT_CACHE} for the archive's own). Jib's
 * TarImage with the OCI format writes an OCI archive (jib-core has no OCI layout target; build-webhook-image.sh
 * copies the archive into one with skopeo, which keeps the digests).
 *
 * <p>usage: java -cp JIB_CLASSPATH WebhookImage.java ROOTFS ARCHIVE NAME:TAG ARCH CACHE_OPTIONS (the JVM options
 * of the entrypoint, separated by spaces, that name the app's CDS archive and the object header mode it was made
 * with)
 */
public final class WebhookImage {

    /** Jib's own default time for files: the training run saw the same (build-webhook-image.sh). */
    private static final Instant FILE_TIME = Instant.ofEpochSecond(1);

    /**
     * The CDS archives ({@code .jsa}: the app's, and on Java 17 the runtime's base archive too). Java 25's is dumped
     * from a fixed class list and is the same on every build; Java 17's comes from a training run and is not. Either
     * way they change with every build of the app, so they make the top layer and every layer below is reproducible
     * on its own.
     */
    private static final PathMatcher AOT_CACHE = FileSystems.getDefault().getPathMatcher("glob:**.jsa");

    private WebhookImage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: WebhookImage ROOTFS ARCHIVE NAME:TAG ARCH CACHE_OPTION");
        }
        Path rootfs = Path.of(args[0]);
        Path archive = Path.of(args[1]);
        String tag = args[2].substring(args[2].lastIndexOf(':') + 1);
        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .setPlatforms(Set.of(new Platform(args[3], "linux")))
                .setCreationTime(Instant.EPOCH)
                .setUser("65532:65532")
                .setWorkingDirectory(AbsoluteUnixPath.get("/app"))
                .setEnvironment(Map.of("JAVA_HOME", "/opt/java", "PID1_TLS_DIR", "/tmp/pid1-tls"))
                .setEntrypoint(entrypoint(args[4]))
                .setProgramArguments(List.of("serve"))
                .setLabels(Map.of("org.opencontainers.image.title", "pid1-injector",
                        "org.opencontainers.image.version", tag));
        List<String> all = List.of("etc", "lib", "lib64", "opt", "tmp", "usr", "app");
        image.addFileEntriesLayer(layer(rootfs, "runtime", List.of("etc", "lib", "lib64", "opt", "tmp", "usr"), false));
        image.addFileEntriesLayer(layer(rootfs, "dependencies", List.of("app/lib"), false));
        image.addFileEntriesLayer(layer(rootfs, "resources", List.of("app/quarkus-run.jar", "app/quarkus"), false));
        // The pid1-shim sidecar's java argument file names the app's jar: it changes with the classes.
        image.addFileEntriesLayer(layer(rootfs, "classes", List.of("app/app", "app/pid1-shim.args"), false));
        image.addFileEntriesLayer(layer(rootfs, "aot-cache", all, true));
        Path cache = Files.createTempDirectory("jib-cache");
        image.containerize(Containerizer.to(TarImage.at(archive).named(args[2]))
                .setOfflineMode(true)
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("application"))
                .setToolName("pid1-injector build-webhook-image.sh"));
    }

    private static List<String> entrypoint(String cacheOptions) {
        List<String> command = new ArrayList<>(List.of("/opt/java/bin/java"));
        command.addAll(List.of(cacheOptions.split(" ")));
        command.addAll(List.of("-jar", "/app/quarkus-run.jar"));
        return command;
    }

    /**
     * A layer of every file and directory under the given paths of the root filesystem, with their modes there:
     * the CDS archives and AOT caches only, or all but them.
     */
    private static FileEntriesLayer layer(Path rootfs, String name, List<String> paths, boolean caches)
            throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        for (String path : paths) {
            if (Files.notExists(rootfs.resolve(path))) {
                continue; // lib64: amd64's loader is there, arm64's in lib
            }
            try (Stream<Path> files = Files.walk(rootfs.resolve(path))) {
                for (Path file : files.sorted().toList()) {
                    String target = "/" + rootfs.relativize(file);
                    if (caches != (Files.isRegularFile(file) && AOT_CACHE.matches(file))) {
                        continue;
                    }
                    layer.addEntry(file, AbsoluteUnixPath.get(target), mode(file), FILE_TIME);
                }
            }
        }
        return layer.build();
    }

    private static FilePermissions mode(Path source) {
        try {
            return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
