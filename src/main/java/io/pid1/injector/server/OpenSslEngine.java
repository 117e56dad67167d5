package io.pid1.injector.server;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The webhook's TLS runs on BoringSSL (netty-tcnative) when its native library loads on this platform, else
 * on the JDK's engine. Same protocols, certificates and reloads either way; BoringSSL costs far less CPU per
 * handshake and per record.
 */
@ApplicationScoped
class OpenSslEngine implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger("pid1.tls");

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        if (OpenSSLEngineOptions.isAvailable()) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
        } else {
            LOG.info("BoringSSL is not available on this platform; TLS runs on the JDK's engine");
        }
    }
}
