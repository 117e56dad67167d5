package io.pid1.injector.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image's configuration says about how it runs (OCI config {@code Entrypoint}, {@code Cmd}, …).
 *
 * @param env    the image's env; variables defined only here cannot be used as {@code $(VAR)}
 * @param digest the digest the image's reference resolved to when this was read ({@code sha256:…}): for a
 *               multi-platform image the index's, never one platform's manifest, so that each node still picks
 *               its own platform; empty when unknown
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        Optional<String> workingDir,
        Map<String, String> env,
        Optional<String> user,
        Optional<String> stopSignal,
        Optional<String> digest) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
    }

    public ImageConfig(
            List<String> entrypoint,
            List<String> cmd,
            Optional<String> workingDir,
            Map<String, String> env,
            Optional<String> user,
            Optional<String> stopSignal) {
        this(entrypoint, cmd, workingDir, env, user, stopSignal, Optional.empty());
    }

    /** This configuration as read through a reference that resolved to {@code digest}. */
    public ImageConfig resolvedTo(String digest) {
        return new ImageConfig(entrypoint, cmd, workingDir, env, user, stopSignal, Optional.of(digest));
    }
}
