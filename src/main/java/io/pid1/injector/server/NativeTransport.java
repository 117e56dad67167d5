package io.pid1.injector.server;

import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

/**
 * Says so when the webhook's I/O runs on Java's NIO because Netty's native epoll library cannot load here
 * (another platform, or {@code io.netty.transport.noNative}): it still works, with more CPU per review.
 */
@ApplicationScoped
class NativeTransport {

    private static final Logger LOG = Logger.getLogger("pid1.io");

    void serving(@ObservesAsync HttpsServerStart event, Vertx vertx) {
        if (!vertx.isNativeTransportEnabled()) {
            LOG.infof(
                    "Netty's native epoll transport is not available on this platform (%s); I/O runs on NIO",
                    vertx.unavailableNativeTransportCause());
        }
    }
}
