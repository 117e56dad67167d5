package io.pid1.injector.server;

import io.pid1.injector.tls.ClientCaTrust;
import io.pid1.injector.tls.ServingFiles;
import io.pid1.injector.tls.TlsFileException;
import io.pid1.injector.webhook.WebhookConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The HTTPS port serves the pair {@link ServingFiles} keeps and, when {@code pid1.tls.client-ca-file} is set,
 * requires a client certificate from those CAs; the files are checked every {@code pid1.tls.reload-period}.
 * Both are decided here at run time: {@code quarkus.http.ssl.client-auth} is fixed at build time. The TLS
 * registry still reads the serving files once at start (Quarkus enables HTTPS from it); its reload is off.
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
        Optional<ClientCaTrust> clients;
        try {
            files = ServingFiles.load(
                    Path.of(config.tls().certFile().orElseThrow()),
                    Path.of(config.tls().keyFile().orElseThrow()),
                    Instant.now());
            clients = config.tls().clientCaFile().isPresent()
                    ? Optional.of(ClientCaTrust.load(
                            Path.of(config.tls().clientCaFile().get())))
                    : Optional.empty();
        } catch (TlsFileException e) {
            throw new IllegalStateException("pid1: " + e.getMessage(), e);
        }
        options.setKeyCertOptions(KeyCertOptions.wrap(files.keyManager()));
        clients.ifPresent(
                trust -> options.setTrustOptions(TrustOptions.wrap(trust)).setClientAuth(ClientAuth.REQUIRED));
        vertx.setPeriodic(
                config.tls().reloadPeriod().toMillis(),
                id -> vertx.executeBlocking(
                        () -> {
                            files.check(Instant.now());
                            clients.ifPresent(ClientCaTrust::check);
                            return null;
                        },
                        false));
    }
}
