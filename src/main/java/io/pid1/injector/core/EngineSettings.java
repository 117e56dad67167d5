package io.pid1.injector.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Cluster-wide defaults of the engine; a pod's annotations refine them. Every default is written here once;
 * the webhook's configuration ({@code webhook/WebhookConfig}) overrides them.
 *
 * @param fixes        fixes switched on unless a pod names its own list
 * @param init         the init used when a pod does not choose one
 * @param initImage    image of the injected {@code pid1-init} container
 * @param shimImage    the project's image, run as the {@code pid1-shim} sidecar
 * @param drainSeconds preStop drain when a pod does not choose one
 * @param nativeSidecars whether the API server takes native sidecars (Kubernetes 1.29+): the
 *                     {@code sidecars} fix only reports when it does not
 * @param version      written into {@code pid1.io/status}
 * @param pinDigest    when a fix writes the image's ENTRYPOINT/CMD into the spec, pin the image to the digest they
 *                     were read from, so that a later image under the same tag cannot run under the old command
 */
public record EngineSettings(
        Set<FixKind> fixes,
        InitMode init,
        String initImage,
        String shimImage,
        int drainSeconds,
        boolean nativeSidecars,
        String version,
        boolean pinDigest) {

    /** The project's version, from {@code pom.xml} through the build (a filtered resource). */
    public static final String VERSION = builtVersion();

    public static final String DEFAULT_INIT_IMAGE = "ghcr.io/pid1-io/pid1-init:" + VERSION;
    public static final String DEFAULT_SHIM_IMAGE = "ghcr.io/pid1-io/pid1-injector:" + VERSION;
    public static final int DEFAULT_DRAIN_SECONDS = 5;

    public EngineSettings {
        fixes = Set.copyOf(fixes);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(
                FixKind.defaults(),
                InitMode.TINI,
                DEFAULT_INIT_IMAGE,
                DEFAULT_SHIM_IMAGE,
                DEFAULT_DRAIN_SECONDS,
                true,
                VERSION,
                true);
    }

    private static String builtVersion() {
        try (InputStream in = EngineSettings.class.getResourceAsStream("/pid1-injector.version")) {
            if (in == null) {
                throw new IllegalStateException("pid1-injector.version is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
