package io.pid1.injector.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image's configuration says about how it runs (OCI config {@code Entrypoint}, {@code Cmd}, …).
 *
 * @param env the image's env; variables defined only here cannot be used as {@code $(VAR)}
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        Optional<String> workingDir,
        Map<String, String> env,
        Optional<String> user,
        Optional<String> stopSignal) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
    }
}
