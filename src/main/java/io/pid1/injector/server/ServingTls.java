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
 * Without client CAs the port trusts no client certificate ({@link NoClientCertificates}).
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
        EarlyTlsFiles.Loaded loaded;
        try {
            loaded = EarlyTlsFiles.take(
                    Path.of(config.tls().certFile().orElseThrow()),
                    Path.of(config.tls().keyFile().orElseThrow()),
                    config.tls().clientCaFile().map(Path::of));
        } catch (TlsFileException e) {
            throw new IllegalStateException("pid1: " + e.getMessage(), e);
        }
        ServingFiles files = loaded.files();
        Optional<ClientCaTrust> clients = loaded.clients();
        options.setKeyCertOptions(KeyCertOptions.wrap(files.keyManager()));
        if (clients.isPresent()) {
            options.setTrustOptions(TrustOptions.wrap(clients.get())).setClientAuth(ClientAuth.REQUIRED);
        } else {
            options.setTrustOptions(TrustOptions.wrap(NoClientCertificates.trustManager()));
        }
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
