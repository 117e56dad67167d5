package io.pid1.injector.registry;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the registry client may send a request. The image reference comes from the pod's author, and the token
 * realm and redirect targets from the registry, so each URL is checked before it is fetched: HTTPS, or plain HTTP
 * to a host listed in {@code PID1_REGISTRY_INSECURE}; never to an {@link InternalAddresses internal} address (each
 * address the host resolves to is checked) unless the host is listed in {@code PID1_REGISTRY_ALLOW_INTERNAL}.
 *
 * <p>The JDK's HttpClient resolves the host again when it connects (through the JVM's address cache, 30 s by
 * default) and cannot be handed the checked address. A name that changes its answer in between reaches an
 * internal address only over TLS, where the internal service cannot show a certificate for that name, so nothing
 * is read from it; plain HTTP goes only to hosts the operator listed.
 *
 * @param insecure        {@code host:port} (or {@code host} on port 80) that may be reached over plain HTTP
 * @param internalAllowed {@code host} or {@code host:port} that may be internal addresses
 */
record EgressPolicy(Set<String> insecure, Set<String> internalAllowed) {

    EgressPolicy {
        insecure = Set.copyOf(insecure);
        internalAllowed = Set.copyOf(internalAllowed);
    }

    /**
     * Checks one URL before it is fetched; may block while the host is resolved.
     *
     * @throws LookupFailure saying why the URL is refused, or that its host does not resolve
     */
    void check(URI uri) {
        String host = Optional.ofNullable(uri.getHost())
                .map(h -> h.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> LookupFailure.image("refused a URL without host"));
        String authority = uri.getPort() < 0 ? host : host + ":" + uri.getPort();
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && insecure.contains(authority))) {
            throw LookupFailure.image(
                    "refused " + scheme + "://" + authority + ": only HTTPS, or plain HTTP to PID1_REGISTRY_INSECURE");
        }
        if (internalAllowed.contains(host) || internalAllowed.contains(authority)) {
            return;
        }
        if (InternalAddresses.metadataName(host)) {
            throw LookupFailure.image("refused " + authority + ": a metadata service");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw LookupFailure.registry("cannot resolve " + host);
        }
        for (InetAddress address : addresses) {
            InternalAddresses.kind(address).ifPresent(kind -> {
                throw LookupFailure.image("refused " + authority + ": " + address.getHostAddress() + " is a " + kind
                        + " address (PID1_REGISTRY_ALLOW_INTERNAL)");
            });
        }
    }

    /** Whether two URLs share scheme, host and port: a credential issued for one may go to the other. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }
}
