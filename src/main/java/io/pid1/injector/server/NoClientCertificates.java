package io.pid1.injector.server;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust of an HTTPS port that asks for no client certificate: the JDK's {@code SunX509} trust manager over an
 * empty key store, which names no CA and refuses every certificate (PKIX's refuses to build a validator without
 * an anchor, with a {@code RuntimeException}). Without one, netty-tcnative took the JDK's default trust
 * store and copied its 140-odd CAs into BoringSSL, as PEM, when the first connection came (30 ms of the first
 * review's time; bench/README.md, "The webhook in the image"), for a list a server that requests no certificate
 * never sends.
 */
final class NoClientCertificates {

    private NoClientCertificates() {}

    static TrustManager trustManager() {
        try {
            KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
            empty.load(null, null);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("SunX509");
            factory.init(empty);
            return factory.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK's SunX509 trust manager is always available", e);
        }
    }
}
