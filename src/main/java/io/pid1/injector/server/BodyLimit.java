package io.pid1.injector.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * Bodies over 4 MiB get 413. kube-apiserver accepts requests of at most 3 MiB ({@code MaxRequestBodyBytes}),
 * and a pod CREATE's review is that pod as JSON, defaulted, in an envelope of a few KiB: 1 MiB is kept for the
 * envelope and the fields defaulting adds (see docs/security.md). A body with a length over the limit is refused
 * before it is read; a chunked one (HTTP/1.1) is read by Vert.x' {@link BodyHandler}, which stops at the limit.
 * An HTTP/2 body without {@code content-length} (kube-apiserver always sends one) cannot be handed over after
 * such a read, so Quarkus' own limit ({@code max-body-size}, a little higher) is its backstop: it resets the
 * stream instead of answering.
 */
@ApplicationScoped
public class BodyLimit {

    public static final long MAX_BYTES = 4L * 1024 * 1024;
    public static final String TOO_LARGE = "body is larger than 4 MiB";

    private final BodyHandler unsized = BodyHandler.create(false).setBodyLimit(MAX_BYTES);

    void install(@Observes Router router) {
        router.route()
                .order(Integer.MIN_VALUE)
                .handler(ctx -> {
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length == null
                            && !ctx.request().isEnded()
                            && ctx.request().version() != HttpVersion.HTTP_2) {
                        if (isForm(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
                            ctx.response()
                                    .setStatusCode(400)
                                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                                    .end("pid1: body is not JSON: its Content-Type is a form\n");
                            return;
                        }
                        unsized.handle(ctx);
                        return;
                    }
                    if (length != null && tooLong(length)) {
                        tooLarge(ctx);
                        return;
                    }
                    ctx.next();
                })
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                        tooLarge(ctx);
                    } else {
                        ctx.next();
                    }
                });
    }

    private static void tooLarge(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .end("pid1: " + TOO_LARGE + "\n");
    }

    /** Vert.x' body handler would decode a form into attributes: such a body is refused unread. */
    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded");
    }

    static boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
