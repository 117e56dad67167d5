package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.pid1.injector.core.ImageConfig;
import io.pid1.injector.core.ImageFacts;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves the images a pod relies on (containers without {@code command}) to their configuration, from their
 * registries, within one deadline per pod.
 *
 * <p>Results are cached: by digest for good, by tag for {@link #TAG_TTL}. Concurrent lookups of one image share
 * one fetch. Failures are remembered for {@link #FAILURE_TTL}: per registry host when the registry itself fails
 * (timeout, unreachable, 5xx), so an outage does not slow every admission, else per image. An image of a registry
 * outside {@code PID1_REGISTRY_ALLOW} is a failure without any request.
 *
 * <p>Thread-safe; make one per process and reuse it.
 */
public final class ImageResolver {

    /** How long an image looked up by tag is trusted. */
    public static final Duration TAG_TTL = Duration.ofMinutes(5);
    /** How long a failure is remembered. */
    public static final Duration FAILURE_TTL = Duration.ofSeconds(30);

    private static final long MAX_ENTRIES = 10_000;
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private record Key(ImageReference reference, String architecture) {}

    /** A lookup's outcome, kept in the cache either way (a failure for a short while). */
    private record Result(ImageConfig config, LookupFailure failure) {}

    private final RegistrySettings settings;
    private final ImageLookup lookup;
    private final AsyncCache<Key, Result> results;
    private final Cache<String, String> failedRegistries;

    ImageResolver(RegistrySettings settings, Duration tagTtl, Duration failureTtl) {
        this.settings = settings;
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newCachedThreadPool(ImageResolver::daemonThread))
                .build();
        RegistryClient client = new RegistryClient(
                http,
                new DockerCredentials(settings.authFile()),
                new EgressPolicy(settings.insecureHosts(), settings.internalAllowed()));
        this.lookup = new ImageLookup(client, MAX_ENTRIES);
        this.results = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfter(Expiry.<Key, Result>writing((key, result) ->
                        result.failure() != null ? failureTtl : key.reference().pinned() ? FOREVER : tagTtl))
                .buildAsync();
        this.failedRegistries = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(failureTtl)
                .build();
    }

    /** The HttpClient's threads, which also resolve host names for the egress checks; they never hold the JVM. */
    private static Thread daemonThread(Runnable task) {
        Thread thread = new Thread(task, "pid1-registry-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    /** A resolver with the standard cache lifetimes. */
    public static ImageResolver create(RegistrySettings settings) {
        return new ImageResolver(settings, TAG_TTL, FAILURE_TTL);
    }

    /** {@link #resolve(JsonNode, Duration)} within the configured timeout. */
    public ImageFacts resolve(JsonNode pod) {
        return resolve(pod, settings.timeout());
    }

    /** {@link #resolveAsync(JsonNode, Duration)}, waited for. */
    public ImageFacts resolve(JsonNode pod, Duration budget) {
        return resolveAsync(pod, budget).join();
    }

    /** {@link #resolveAsync(JsonNode, Duration)} within the configured timeout. */
    public CompletableFuture<ImageFacts> resolveAsync(JsonNode pod) {
        return resolveAsync(pod, settings.timeout());
    }

    /**
     * Looks up, in parallel, every image a container of {@code spec.containers} relies on: one without
     * {@code command} (only {@code args} counts too). Each distinct image is asked once. Completes within
     * {@code budget} (and a few milliseconds); images not resolved by then, or whose lookup failed, are in
     * {@link ImageFacts#failures()} with a short reason. Lookup switched off: no facts. Never blocks: the
     * future is already complete when no image needs asking or every answer is cached, else it completes on
     * the thread of the last lookup (or of the timeout).
     *
     * @param pod a Pod object (its {@code spec} is read)
     */
    public CompletableFuture<ImageFacts> resolveAsync(JsonNode pod, Duration budget) {
        if (!settings.lookup()) {
            return CompletableFuture.completedFuture(ImageFacts.none());
        }
        Deadline deadline = Deadline.after(budget);
        String architecture = NodeArchitecture.of(pod, settings.defaultArchitecture());
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Key> keys = new LinkedHashMap<>();
        for (JsonNode container : pod.path("spec").path("containers")) {
            String image = container.path("image").asText("").strip();
            if (image.isEmpty() || !reliesOnImage(container)) {
                continue;
            }
            try {
                keys.put(container.path("image").asText(), new Key(ImageReference.parse(image), architecture));
            } catch (IllegalArgumentException e) {
                failures.put(container.path("image").asText(), "invalid image reference: " + e.getMessage());
            }
        }
        Map<Key, CompletableFuture<Result>> pending = new HashMap<>();
        keys.values().forEach(key -> pending.computeIfAbsent(key, k -> lookup(k, deadline)));
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, Math.max(0, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS)
                .handle((done, error) -> facts(keys, pending, failures, deadline));
    }

    /** The facts once every lookup is done or the deadline passed: those still running count as timed out. */
    private ImageFacts facts(
            Map<String, Key> keys,
            Map<Key, CompletableFuture<Result>> pending,
            Map<String, String> failures,
            Deadline deadline) {
        Map<String, ImageConfig> resolved = new LinkedHashMap<>();
        keys.forEach((image, key) -> {
            CompletableFuture<Result> future = pending.get(key);
            if (future.complete(new Result(null, LookupFailure.registry(deadline.timeoutReason())))) {
                failedRegistries.put(key.reference().registry(), deadline.timeoutReason());
            }
            Result result = future.join();
            if (result.failure() != null) {
                failures.put(image, result.failure().reason());
            } else {
                resolved.put(image, result.config());
            }
        });
        return new ImageFacts(resolved, failures);
    }

    /** A container runs its image's ENTRYPOINT when it sets no {@code command} (an empty one is none). */
    static boolean reliesOnImage(JsonNode container) {
        JsonNode command = container.path("command");
        return command.isMissingNode() || command.isNull() || (command.isArray() && command.isEmpty());
    }

    private CompletableFuture<Result> lookup(Key key, Deadline deadline) {
        CompletableFuture<Result> cached = results.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        String registry = key.reference().registry();
        if (!settings.allowsRegistry(registry)) {
            return CompletableFuture.completedFuture(
                    new Result(null, LookupFailure.image("registry " + registry + " is not in PID1_REGISTRY_ALLOW")));
        }
        String down = failedRegistries.getIfPresent(registry);
        if (down != null) {
            return CompletableFuture.completedFuture(new Result(
                    null, LookupFailure.registry("registry " + registry + " failed recently (" + down + ")")));
        }
        return results.get(
                key,
                (k, executor) -> CompletableFuture.completedFuture(k)
                        .thenCompose(started -> lookup.fetch(k.reference(), k.architecture(), deadline))
                        .orTimeout(Math.max(0, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS)
                        .handle((config, error) -> {
                            if (error == null) {
                                return new Result(config, null);
                            }
                            LookupFailure failure = LookupFailure.of(error, registry, deadline);
                            if (failure.registryDown()) {
                                failedRegistries.put(registry, failure.reason());
                            }
                            return new Result(null, failure);
                        }));
    }
}
