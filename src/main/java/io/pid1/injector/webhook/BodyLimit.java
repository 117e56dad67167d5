package io.pid1.injector.webhook;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Bodies over 6 MiB get 413 before they are read. Quarkus' own limit ({@code max-body-size}) sits a
 * little higher as a backstop for bodies without a length: on HTTP/2 it resets the connection
 * instead of answering, which kube-apiserver would see as a failed call.
 */
@ApplicationScoped
class BodyLimit {

    static final long MAX_BYTES = 6L * 1024 * 1024;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLong(length)) {
                ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                        .end("pid1: body is larger than 6 MiB\n");
                return;
            }
            ctx.next();
        });
    }

    static boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
