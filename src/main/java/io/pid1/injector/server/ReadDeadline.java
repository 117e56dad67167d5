package io.pid1.injector.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request's body must arrive within {@code quarkus.http.read-timeout} of its headers, or the
 * request is reset (HTTP/2: that stream; HTTP/1.1: the connection). Without it a client that
 * trickles its body a byte a second holds a connection for ever, since each byte restarts the
 * idle timeout. A client trickling its headers is closed by {@code quarkus.http.idle-timeout}.
 */
@ApplicationScoped
class ReadDeadline {

    private final long millis;

    ReadDeadline(@ConfigProperty(name = "quarkus.http.read-timeout") Duration timeout) {
        this.millis = timeout.toMillis();
    }

    void install(@Observes Router router, Vertx vertx) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            if (!request.isEnded()) {
                long timer = vertx.setTimer(millis, id -> {
                    if (!request.isEnded()) {
                        ctx.response().reset();
                    }
                });
                ctx.addEndHandler(done -> vertx.cancelTimer(timer));
            }
            ctx.next();
        });
    }
}
