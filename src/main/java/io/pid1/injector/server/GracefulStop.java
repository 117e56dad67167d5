package io.pid1.injector.server;

import io.pid1.injector.webhook.WebhookConfig;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Quarkus;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The webhook's stop on SIGTERM, in three steps:
 * <ol>
 * <li>draining, for {@code pid1.shutdown.delay}: readiness is DOWN so that endpoints drop the pod, reviews
 * are still answered, and each connection is sent elsewhere once it has had an answer (HTTP/2: GOAWAY in
 * two steps, then closed when its streams are answered; HTTP/1.1: {@code Connection: close});</li>
 * <li>closed: a review that arrives now is refused before any work is done on it (HTTP/2:
 * {@code RST_STREAM REFUSED_STREAM}, which clients retry on another connection; HTTP/1.1: 503), and the
 * reviews in flight are awaited, up to {@code pid1.shutdown.timeout};</li>
 * <li>Quarkus stops, and the process exits 0.</li>
 * </ol>
 * Quarkus' own shutdown delay is not used: after it, Quarkus counted the requests in flight and closed the
 * server once there were none, but a review that arrived between the two was started on and its answer lost.
 * Here a review is counted before it is let in, and none is let in once the count is awaited.
 */
@Readiness
@ApplicationScoped
@Unremovable
public class GracefulStop implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(GracefulStop.class);
    private static final long REFUSED_STREAM = 0x7;
    private static final long GOAWAY_GAP_MILLIS = 1000;

    private enum Phase {
        SERVING,
        DRAINING,
        CLOSED
    }

    private final Duration delay;
    private final Duration timeout;
    private final Runnable exit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<HttpConnection> sentAway =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile Phase phase = Phase.SERVING;

    @Inject
    GracefulStop(WebhookConfig config) {
        this(config.shutdown().delay(), config.shutdown().timeout(), () -> Quarkus.asyncExit(0));
    }

    GracefulStop(Duration delay, Duration timeout, Runnable exit) {
        this.delay = delay;
        this.timeout = timeout;
        this.exit = exit;
    }

    /** What {@code serve} does on SIGTERM: the stop above, or Quarkus' plain stop while it is still booting. */
    public static void onSigterm() {
        ArcContainer container = Arc.container();
        if (container == null || !container.isRunning()) {
            Quarkus.asyncExit(0);
            return;
        }
        container.instance(GracefulStop.class, Readiness.Literal.INSTANCE).get().begin();
    }

    /** Starts the stop on a thread of its own; a second call does nothing. */
    synchronized void begin() {
        if (phase != Phase.SERVING) {
            return;
        }
        phase = Phase.DRAINING;
        Thread thread = new Thread(this::stop, "pid1-graceful-stop");
        thread.setDaemon(true);
        thread.start();
    }

    private void stop() {
        LOG.infof(
                "SIGTERM: draining for %d ms, then up to %d ms for reviews in flight",
                delay.toMillis(), timeout.toMillis());
        try {
            Thread.sleep(delay.toMillis());
            phase = Phase.CLOSED;
            if (inFlight.get() == 0) {
                drained.countDown();
            }
            if (!drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf(
                        "%d reviews still in flight after %d ms; stopping anyway", inFlight.get(), timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exit.run();
    }

    /** Ahead of the admission endpoints, after {@link BodyLimit} and {@link ReadDeadline}. */
    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        inFlight.incrementAndGet();
        Phase now = phase;
        if (now == Phase.CLOSED) {
            done();
            refuse(ctx);
            return;
        }
        ctx.addEndHandler(ended -> done());
        if (now == Phase.DRAINING) {
            sendElsewhereAfterAnswer(ctx);
        }
        ctx.next();
    }

    private void done() {
        if (inFlight.decrementAndGet() == 0 && phase == Phase.CLOSED) {
            drained.countDown();
        }
    }

    private void refuse(RoutingContext ctx) {
        if (ctx.request().version() == HttpVersion.HTTP_2) {
            ctx.response().reset(REFUSED_STREAM);
            sendAway(ctx, ctx.request().connection());
        } else {
            sendElsewhereAfterAnswer(ctx);
            ctx.response()
                    .setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end("pid1: shutting down\n");
        }
    }

    private void sendElsewhereAfterAnswer(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        if (ctx.request().version() == HttpVersion.HTTP_2) {
            ctx.addEndHandler(ended -> sendAway(ctx, connection));
        } else {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.addEndHandler(ended -> connection.close());
        }
    }

    /**
     * Once per HTTP/2 connection, in two steps (RFC 9113, 6.8): a GOAWAY that takes every stream the client may
     * already have sent, then, a second later, the one that names the last stream taken, and the close once
     * those are answered. With only the second (what Quarkus sends), reviews the server had started on were cut
     * off on connections that carried several streams ({@code ShutdownUnderLoadIT}, 8 streams per connection:
     * 3 runs of 3).
     */
    private void sendAway(RoutingContext ctx, HttpConnection connection) {
        if (sentAway.add(connection)) {
            connection.goAway(0, Integer.MAX_VALUE);
            ctx.vertx().setTimer(GOAWAY_GAP_MILLIS, id -> {
                connection.goAway(0);
                connection.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS);
            });
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving")
                .status(phase == Phase.SERVING)
                .build();
    }
}
