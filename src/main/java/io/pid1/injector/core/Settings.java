package io.pid1.injector.core;

import java.util.Set;

/**
 * Cluster-wide defaults of the engine; a pod's annotations refine them.
 *
 * @param fixes        fixes switched on unless a pod names its own list
 * @param init         the init used when a pod does not choose one
 * @param initImage    image of the injected {@code pid1-init} container
 * @param shimImage    the project's image, run as the {@code pid1-shim} sidecar
 * @param drainSeconds preStop drain when a pod does not choose one
 * @param version      written into {@code pid1.io/status}
 * @param pinDigest    when a fix writes the image's ENTRYPOINT/CMD into the spec, pin the image to the digest they
 *                     were read from, so that a later image under the same tag cannot run under the old command
 */
public record Settings(Set<FixKind> fixes, InitMode init, String initImage, String shimImage, int drainSeconds,
                       String version, boolean pinDigest) {

    public static final String DEFAULT_INIT_IMAGE = "ghcr.io/pid1-io/pid1-init:0.1.0";
    public static final String DEFAULT_SHIM_IMAGE = "ghcr.io/pid1-io/pid1-injector:0.1.0";

    public Settings {
        fixes = Set.copyOf(fixes);
    }

    public Settings(Set<FixKind> fixes, InitMode init, String initImage, String shimImage, int drainSeconds,
                    String version) {
        this(fixes, init, initImage, shimImage, drainSeconds, version, true);
    }

    public static Settings defaults() {
        return new Settings(FixKind.defaults(), InitMode.TINI, DEFAULT_INIT_IMAGE, DEFAULT_SHIM_IMAGE, 5, "0.1.0");
    }
}
