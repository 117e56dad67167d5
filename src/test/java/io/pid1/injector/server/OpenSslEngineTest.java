package io.pid1.injector.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import org.junit.jupiter.api.Test;

/** The packaged BoringSSL library loads on this platform, so the webhook's TLS runs on it. */
class OpenSslEngineTest {

    @Test
    void httpsRunsOnBoringSsl() {
        HttpServerOptions options = new HttpServerOptions();
        new OpenSslEngine().customizeHttpsServer(options);
        assertInstanceOf(OpenSSLEngineOptions.class, options.getSslEngineOptions());
    }
}
