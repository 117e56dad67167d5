package io.pid1.injector.webhook;

import io.pid1.injector.tls.ServingFiles;
import io.pid1.injector.tls.TlsFileException;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The HTTPS port serves the pair {@link ServingFiles} keeps; the files are checked every
 * {@code pid1.tls.reload-period}. The TLS registry still reads them once at start (Quarkus enables HTTPS from
 * it); its reload is off.
 */
@ApplicationScoped
class ServingTls implements HttpServerOptionsCustomizer {

    private final WebhookConfig config;
    private final Vertx vertx;

    ServingTls(WebhookConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        ServingFiles files;
        try {
            files = ServingFiles.load(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()), Instant.now());
        } catch (TlsFileException e) {
            throw new IllegalStateException("pid1: " + e.getMessage(), e);
        }
        options.setKeyCertOptions(KeyCertOptions.wrap(files.keyManager()));
        vertx.setPeriodic(config.tls().reloadPeriod().toMillis(),
                id -> vertx.executeBlocking(() -> {
                    files.check(Instant.now());
                    return null;
                }, false));
    }
}
