package io.pid1.injector.core;

import java.util.List;
import java.util.Optional;

/**
 * Pins a container's image to the digest its ENTRYPOINT/CMD was read from once a fix has written them into the
 * spec: a later image under the same tag with another CMD would otherwise run the old command. The tag goes
 * ({@code repo@sha256:…}); the runtime would ignore it beside a digest, and a reader would take it for the truth.
 * Off with {@link EngineSettings#pinDigest()}; an image without a known digest, or already given by digest, is kept.
 */
final class DigestPin implements Fix {

    /** The fixes that write the argv, in the order they run: the pin is reported under the first that applied. */
    private static final List<FixKind> ARGV_WRITERS = List.of(FixKind.EXEC, FixKind.INIT, FixKind.SIGNAL);

    @Override
    public FixKind kind() {
        return FixKind.PIN;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        Optional<String> digest = c.image.flatMap(ImageConfig::digest);
        String image = c.node.path("image").asText("");
        if (!pod.settings.pinDigest() || !c.wroteImageArgv() || digest.isEmpty() || image.contains("@")) {
            return;
        }
        FixKind writer =
                ARGV_WRITERS.stream().filter(c.applied::contains).findFirst().orElse(FixKind.EXEC);
        c.node.put("image", repository(image) + "@" + digest.get());
        pod.applied(
                c,
                writer,
                "image pinned to "
                        + digest.get().substring(0, Math.min(19, digest.get().length()))
                        + "…, the digest its ENTRYPOINT/CMD now in the spec came from");
    }

    /** The reference without its tag: what follows the last {@code :} after the last {@code /}. */
    static String repository(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    }
}
