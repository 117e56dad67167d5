package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * GETs of the OCI distribution API ({@code /v2/<repository>/manifests|blobs/…}) with the registry's auth:
 * anonymous first, then, on a 401, the Basic or Bearer challenge it answers with. Bearer tokens come from the
 * challenge's realm, asked with the host's basic credentials when there are some. What worked is remembered per
 * repository (a token for its lifetime) so later requests go straight through.
 *
 * <p>Every URL, the registry's own, the token realm and each redirect target, passes the {@link EgressPolicy}
 * before it is fetched. Registry GETs follow redirects to other hosts (registries send blobs to storage hosts) but
 * never carry the Authorization header to a host other than the one it was issued for. The token exchange, which
 * carries the registry's basic credentials, follows no redirect to another host.
 */
final class RegistryClient {

    /** The response of a GET that succeeded. */
    record Fetched(byte[] body, Optional<String> contentType) {}

    private record Authorization(String header, Duration lifetime) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final long TOKEN_LIMIT = 1 << 20;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration BASIC_LIFETIME = Duration.ofMinutes(10);

    private final HttpClient http;
    private final DockerCredentials credentials;
    private final EgressPolicy policy;
    private final Executor executor;
    private final Cache<String, Authorization> authorizations = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfter(Expiry.<String, Authorization>writing((key, auth) -> auth.lifetime()))
            .build();

    /**
     * @param http with redirects off and an executor, on which the {@link EgressPolicy} resolves host names
     */
    RegistryClient(HttpClient http, DockerCredentials credentials, EgressPolicy policy) {
        this.http = http;
        this.credentials = credentials;
        this.policy = policy;
        this.executor = http.executor()
                .orElseThrow(
                        () -> new IllegalArgumentException("the HttpClient needs an executor for host name checks"));
    }

    /**
     * GETs {@code /v2/<repository>/<path>} of the image's registry.
     *
     * @param path  {@code manifests/<reference>} or {@code blobs/<digest>}
     * @param limit largest body accepted
     * @return the body of a 2xx answer; else failed with a {@link LookupFailure}
     */
    CompletableFuture<Fetched> get(ImageReference image, String path, String accept, long limit, Deadline deadline) {
        URI uri = URI.create(
                scheme(image.registry()) + "://" + image.registry() + "/v2/" + image.repository() + "/" + path);
        String scope = image.registry() + "/" + image.repository();
        Optional<String> known =
                Optional.ofNullable(authorizations.getIfPresent(scope)).map(Authorization::header);
        return send(uri, accept, known, limit, deadline, true, 0)
                .thenCompose(first -> {
                    if (first.statusCode() != 401) {
                        return CompletableFuture.completedFuture(first);
                    }
                    return authorize(image, first, deadline)
                            .thenCompose(auth -> {
                                authorizations.put(scope, auth);
                                return send(uri, accept, Optional.of(auth.header()), limit, deadline, true, 0);
                            })
                            .thenApply(second -> {
                                if (second.statusCode() == 401) {
                                    authorizations.invalidate(scope);
                                }
                                return second;
                            });
                })
                .thenApply(RegistryClient::fetched);
    }

    private String scheme(String registry) {
        return policy.insecure().contains(registry) ? "http" : "https";
    }

    /**
     * GETs {@code uri} once the policy allows it, following redirects the policy allows.
     *
     * @param otherHosts whether redirects to another origin are followed (without the Authorization header)
     */
    private CompletableFuture<HttpResponse<byte[]>> send(
            URI uri,
            String accept,
            Optional<String> authorization,
            long limit,
            Deadline deadline,
            boolean otherHosts,
            int redirects) {
        return CompletableFuture.runAsync(() -> policy.check(uri), executor)
                .thenCompose(allowed -> {
                    Duration remaining = deadline.remaining();
                    if (remaining.isNegative() || remaining.isZero()) {
                        throw LookupFailure.registry(deadline.timeoutReason());
                    }
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                            .GET()
                            .timeout(remaining)
                            .header("Accept", accept)
                            .header("User-Agent", "pid1-injector");
                    authorization.ifPresent(value -> request.header("Authorization", value));
                    return http.sendAsync(request.build(), BoundedBody.handler(limit));
                })
                .thenCompose(response -> {
                    Optional<String> location = response.headers().firstValue("location");
                    if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                        return CompletableFuture.completedFuture(response);
                    }
                    if (redirects >= MAX_REDIRECTS) {
                        throw LookupFailure.image("too many redirects");
                    }
                    URI next = redirectTarget(uri, location.get());
                    boolean sameOrigin = EgressPolicy.sameOrigin(uri, next);
                    if (!sameOrigin && !otherHosts) {
                        throw LookupFailure.image("token service redirected to another host, not followed");
                    }
                    Optional<String> keep = sameOrigin ? authorization : Optional.empty();
                    return send(next, accept, keep, limit, deadline, otherHosts, redirects + 1);
                });
    }

    private static URI redirectTarget(URI from, String location) {
        try {
            return from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw LookupFailure.image("invalid redirect target");
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private CompletableFuture<Authorization> authorize(
            ImageReference image, HttpResponse<byte[]> unauthorized, Deadline deadline) {
        Optional<String> basic = credentials.basic(image.registry());
        Challenge challenge = Challenge.pick(unauthorized.headers().allValues("www-authenticate"))
                .orElseThrow(() -> LookupFailure.image("401 from registry"));
        if (challenge.scheme().equals("basic")) {
            return basic.map(header -> CompletableFuture.completedFuture(new Authorization(header, BASIC_LIFETIME)))
                    .orElseGet(() -> CompletableFuture.failedFuture(
                            LookupFailure.image("401 from registry (no credentials for " + image.registry() + ")")));
        }
        String realm = challenge
                .param("realm")
                .orElseThrow(() -> LookupFailure.image("401 from registry (bearer challenge without realm)"));
        String scope = challenge.param("scope").orElse("repository:" + image.repository() + ":pull");
        StringBuilder query = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        challenge
                .param("service")
                .ifPresent(service ->
                        query.append("service=").append(encode(service)).append('&'));
        query.append("scope=").append(encode(scope));
        URI tokenUri;
        try {
            tokenUri = URI.create(query.toString());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(LookupFailure.image("invalid token realm " + realm));
        }
        return send(tokenUri, "application/json", basic, TOKEN_LIMIT, deadline, false, 0)
                .thenApply(RegistryClient::token);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Authorization token(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status != 200) {
            String reason = status + " from token service";
            throw status >= 500 ? LookupFailure.registry(reason) : LookupFailure.image(reason);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw LookupFailure.image("unreadable answer of the token service");
        }
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isBlank()) {
            throw LookupFailure.image("no token in the answer of the token service");
        }
        long seconds = json.path("expires_in").asLong(0);
        Duration lifetime =
                seconds > 0 ? Duration.ofSeconds(seconds).multipliedBy(9).dividedBy(10) : DEFAULT_TOKEN_LIFETIME;
        return new Authorization("Bearer " + token, lifetime);
    }

    private static Fetched fetched(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Fetched(response.body(), response.headers().firstValue("content-type"));
        }
        String reason = status + " from registry";
        if (status == 429 || status >= 500) {
            throw LookupFailure.registry(reason);
        }
        if (status == 404) {
            throw LookupFailure.image(errorMessage(response.body()).orElse(reason));
        }
        throw LookupFailure.image(reason);
    }

    /** The message of the first error of a registry's error body ({@code manifest unknown}, …). */
    private static Optional<String> errorMessage(byte[] body) {
        try {
            JsonNode first = JSON.readTree(body).path("errors").path(0);
            String message = first.path("message").asText(first.path("code").asText(""));
            return message.isBlank() || message.length() > 80 ? Optional.empty() : Optional.of(message.strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
