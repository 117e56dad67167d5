package io.pid1.floor;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;

/** TLS on BoringSSL (netty-tcnative), as the webhook's {@code server.OpenSslEngine} sets it. */
@ApplicationScoped
class BoringSsl implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        if (!OpenSSLEngineOptions.isAvailable()) {
            throw new IllegalStateException("floor: BoringSSL does not load here, so this is not the webhook's stack");
        }
        options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
}
