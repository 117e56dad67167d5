package io.pid1.injector.core;

import java.util.Map;
import java.util.Optional;

/**
 * Image configurations resolved before the analysis (the core never does I/O).
 *
 * @param configs  by image reference as written in the pod
 * @param failures by image reference: why it could not be resolved (said in a warning)
 * @param offline  no image was looked up on purpose ({@code --offline}): said as the reason a container
 *                 that needs its image's configuration is not understood
 */
public record ImageFacts(Map<String, ImageConfig> configs, Map<String, String> failures, boolean offline) {

    public ImageFacts {
        configs = Map.copyOf(configs);
        failures = Map.copyOf(failures);
    }

    public ImageFacts(Map<String, ImageConfig> configs, Map<String, String> failures) {
        this(configs, failures, false);
    }

    public static ImageFacts none() {
        return new ImageFacts(Map.of(), Map.of());
    }

    /** No image looked up, on purpose. */
    public static ImageFacts notLookedUp() {
        return new ImageFacts(Map.of(), Map.of(), true);
    }

    public Optional<ImageConfig> config(String image) {
        return Optional.ofNullable(configs.get(image));
    }

    public Optional<String> failure(String image) {
        return Optional.ofNullable(failures.get(image));
    }
}
