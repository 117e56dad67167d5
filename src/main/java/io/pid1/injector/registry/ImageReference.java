package io.pid1.injector.registry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference in the form the distribution API needs, with Docker's defaults applied:
 * {@code nginx} is {@code registry-1.docker.io/library/nginx:latest}.
 *
 * @param registry   the API host, {@code host} or {@code host:port}
 * @param repository the repository path inside the registry
 * @param tag        the tag; empty when a digest is given (the digest wins, as in container runtimes)
 * @param digest     {@code algorithm:hex}
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {

    /** The API host of Docker Hub. */
    public static final String DOCKER_HUB = "registry-1.docker.io";

    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+])(?::[0-9]+)?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

    /**
     * Parses a reference as written in a pod's {@code image}.
     *
     * @throws IllegalArgumentException with a short reason when it is not a valid reference
     */
    public static ImageReference parse(String image) {
        String rest = image.strip();
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest.get()).matches()) {
                throw new IllegalArgumentException("invalid digest \"" + digest.get() + "\"");
            }
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag.get()).matches()) {
                throw new IllegalArgumentException("invalid tag \"" + tag.get() + "\"");
            }
        }
        String registry = DOCKER_HUB;
        String repository = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0 && isDomain(rest.substring(0, slash))) {
            registry = hubAlias(rest.substring(0, slash).toLowerCase(Locale.ROOT));
            repository = rest.substring(slash + 1);
        }
        if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        checkRepository(image, registry, repository);
        if (digest.isPresent()) {
            tag = Optional.empty();
        } else if (tag.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    /** What follows {@code /manifests/} in the API: the digest, else the tag. */
    public String manifestReference() {
        return digest.or(() -> tag).orElseThrow();
    }

    /** Whether the reference names content that never changes (a digest). */
    public boolean pinned() {
        return digest.isPresent();
    }

    @Override
    public String toString() {
        return registry + "/" + repository + digest.map(d -> "@" + d).orElseGet(() -> ":" + tag.orElseThrow());
    }

    /** The API host of a registry name as users write it ({@code docker.io} is Docker Hub). */
    static String hubAlias(String host) {
        return switch (host) {
            case "docker.io", "index.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> host;
        };
    }

    private static boolean isDomain(String first) {
        boolean looksLikeHost = first.contains(".")
                || first.contains(":")
                || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT));
        return looksLikeHost && DOMAIN.matcher(first).matches();
    }

    private static void checkRepository(String image, String registry, String repository) {
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("no repository in \"" + image + "\"");
        }
        for (String component : repository.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid repository \"" + repository + "\"");
            }
        }
        if (registry.length() + repository.length() + 1 > 255) {
            throw new IllegalArgumentException("image name longer than 255 characters");
        }
    }
}
