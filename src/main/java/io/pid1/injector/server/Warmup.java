package io.pid1.injector.server;

import io.pid1.injector.webhook.AdmissionService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Runs one review through the service at start, on a thread of its own while Quarkus opens its ports.
 * Otherwise the first review paid for it: the service and its catalog, engine and registry client are
 * made on first use, some 1,900 classes, a third of a second. Then it binds the JVM's meters ({@link JvmMeters}).
 * Ready only once both are done; a failure is logged and counts as done, so the webhook is never held back by its
 * own warm-up.
 */
@Readiness
@ApplicationScoped
public class Warmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(Warmup.class);

    private volatile boolean done;

    /** The service comes as an {@link Instance} so that it is made on the warm-up thread, not on the one booting Quarkus. */
    void start(@Observes StartupEvent event, Instance<AdmissionService> service, JvmMeters meters) {
        Thread thread = new Thread(() -> run(service::get, meters::bind), "pid1-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** The warm-up review through {@code service}, then {@code meters}; ready after both, whatever their outcome. */
    public void run(Supplier<AdmissionService> service, Runnable meters) {
        try {
            service.get().warmUp();
        } catch (RuntimeException e) {
            LOG.warn("warm-up review failed; the first review will take longer", e);
        }
        try {
            meters.run();
        } finally {
            done = true;
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("warm-up").status(done).build();
    }
}
