package io.pid1.injector.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pid1.injector.core.ImageConfig;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches one image's configuration: the manifest (by tag or digest), the platform's manifest when it is an
 * index, then the config blob. Config blobs are content-addressed, so they are kept by digest: when a tag is
 * looked up again, only its manifest is fetched unless the image changed.
 */
final class ImageLookup {

    static final long MANIFEST_LIMIT = 4L << 20;
    static final long CONFIG_LIMIT = 4L << 20;
    private static final String ANY = "*/*";

    private final RegistryClient client;
    private final Cache<String, ImageConfig> blobs;

    ImageLookup(RegistryClient client, long maxEntries) {
        this.client = client;
        this.blobs = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /**
     * The configuration of {@code image} for {@code linux/<architecture>}, with the digest its reference resolved
     * to: that of the first manifest fetched (an index for a multi-platform image); failures are
     * {@link LookupFailure}s.
     */
    CompletableFuture<ImageConfig> fetch(ImageReference image, String architecture, Deadline deadline) {
        return manifest(image, image.manifestReference(), deadline)
                .thenCompose(top -> (top.manifest().index()
                                ? manifest(image, Manifests.platform(top.manifest(), architecture), deadline)
                                : CompletableFuture.completedFuture(top))
                        .thenCompose(platform -> {
                            if (platform.manifest().index()) {
                                throw LookupFailure.image("unsupported nested index");
                            }
                            return config(image, Manifests.configDigest(platform.manifest()), deadline);
                        })
                        .thenApply(config -> config.resolvedTo(top.digest())));
    }

    /** A manifest and its content digest. */
    private record Fetched(Manifests.Manifest manifest, String digest) {}

    private CompletableFuture<Fetched> manifest(ImageReference image, String reference, Deadline deadline) {
        return client.get(image, "manifests/" + reference, Manifests.ACCEPT, MANIFEST_LIMIT, deadline)
                .thenApply(fetched -> {
                    boolean digest = reference.contains(":");
                    if (digest) {
                        Manifests.verify(fetched.body(), reference);
                    }
                    return new Fetched(Manifests.read(fetched), digest ? reference : Manifests.sha256(fetched.body()));
                });
    }

    private CompletableFuture<ImageConfig> config(ImageReference image, String digest, Deadline deadline) {
        ImageConfig known = blobs.getIfPresent(digest);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return client.get(image, "blobs/" + digest, ANY, CONFIG_LIMIT, deadline).thenApply(fetched -> {
            Manifests.verify(fetched.body(), digest);
            ImageConfig config = ImageConfigs.read(fetched.body());
            blobs.put(digest, config);
            return config;
        });
    }
}
