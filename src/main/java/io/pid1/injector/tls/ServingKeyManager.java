package io.pid1.injector.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The serving key and certificate chain, asked for at each handshake by both TLS engines (the JDK's and
 * netty-tcnative's), so a new pair takes effect without rebuilding the server's SSL context. Vert.x rebuilds it
 * on {@code HttpServer.updateSSLOptions}, and while it does, connections it accepts are closed: that was the
 * reset at each reload of the Quarkus TLS registry. Each pair has its own alias, and the previous pair stays
 * reachable by its alias, so a handshake that chose its alias just before a swap still gets a key and a chain
 * that belong together.
 */
public final class ServingKeyManager extends X509ExtendedKeyManager {

    private record Generation(long number, ServingPair pair, Generation previous) {
        String alias() {
            return "serving-" + number;
        }
    }

    private final AtomicReference<Generation> current;

    /** Serves {@code first} until {@link #use} gives another pair. */
    public ServingKeyManager(ServingPair first) {
        current = new AtomicReference<>(new Generation(0, first, null));
    }

    /** Serves {@code pair} to the handshakes that start from now on. */
    public void use(ServingPair pair) {
        current.updateAndGet(old -> new Generation(old.number + 1, pair, new Generation(old.number, old.pair, null)));
    }

    /** The pair new handshakes get. */
    public ServingPair serving() {
        return current.get().pair;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation generation = current.get();
        return fits(generation.pair, keyType) ? generation.alias() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseServerAlias(keyType, issuers, null);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServingPair pair = find(alias);
        return pair == null ? null : pair.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServingPair pair = find(alias);
        return pair == null ? null : pair.key();
    }

    /** The webhook serves; it never presents a client certificate. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    private ServingPair find(String alias) {
        for (Generation g = current.get(); g != null; g = g.previous) {
            if (g.alias().equals(alias)) {
                return g.pair;
            }
        }
        return null;
    }

    /**
     * Whether the pair's key serves {@code keyType}: the JDK asks for {@code EC} or {@code RSA}, netty-tcnative
     * also for {@code EC_EC} or {@code EC_RSA} (the key's type, then the issuer's).
     */
    private static boolean fits(ServingPair pair, String keyType) {
        String algorithm = pair.key().getAlgorithm();
        return keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"));
    }
}
