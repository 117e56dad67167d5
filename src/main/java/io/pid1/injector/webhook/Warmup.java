package io.pid1.injector.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.core.Settings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Runs one review through the service at start, on a thread of its own while Quarkus opens its ports.
 * Otherwise the first review paid for it: the service and its catalog, engine and registry client are
 * made on first use, some 1,900 classes, a third of a second. Ready only once it is done; a failure is
 * logged and counts as done, so the webhook is never held back by its own warm-up. The engine's half
 * starts earlier still, before Quarkus boots ({@link #aheadOfBoot}).
 */
@Readiness
@ApplicationScoped
public class Warmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(Warmup.class);

    /** gunicorn under {@code sh -c}, with a working directory and a variable: every default fix applies. */
    static final byte[] REVIEW = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"pid1-warm-up",
             "resource":{"group":"","version":"v1","resource":"pods"},"namespace":"default","operation":"CREATE",
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warm-up",
              "annotations":{"pid1.io/health-path":"/health"}},
              "spec":{"containers":[{"name":"web","image":"python:3.12",
               "command":["sh","-c","cd /app && exec gunicorn app:app -w 4 -b 0.0.0.0:$PORT"],
               "env":[{"name":"PORT","value":"8000"}],"ports":[{"containerPort":8000}]}]}}}}
            """.getBytes(StandardCharsets.UTF_8);

    private volatile boolean done;

    /**
     * Starts {@link #engineAlone} on a thread of its own, before Quarkus boots: the catalog's YAML binding and
     * the engine's classes, half the warm-up's work, are then loaded on the second core while the first boots
     * Quarkus. Best effort: {@link #start} takes the same path again through the service and logs a failure.
     */
    public static void aheadOfBoot() {
        Thread thread = new Thread(() -> {
            try {
                engineAlone();
            } catch (ReviewException | RuntimeException e) {
                LOG.debug("engine warm-up before boot failed", e);
            }
        }, "pid1-warm-up-engine");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@link #REVIEW} through the built-in catalog and default settings: no bean, no configuration. */
    static Answer engineAlone() throws ReviewException {
        ObjectMapper json = new ObjectMapper();
        return AdmissionService.rehearse(Review.of(AdmissionService.parse(json, REVIEW)),
                new PodFixer(Catalog.builtin(), Settings.defaults()), ImageFacts.none(), json);
    }

    /** The service comes as an {@link Instance} so that it is made on the warm-up thread, not on the one booting Quarkus. */
    void start(@Observes StartupEvent event, Instance<AdmissionService> service) {
        Thread thread = new Thread(() -> run(service::get), "pid1-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    void run(Supplier<AdmissionService> service) {
        try {
            service.get().warmUp(REVIEW);
        } catch (ReviewException | RuntimeException e) {
            LOG.warn("warm-up review failed; the first review will take longer", e);
        } finally {
            done = true;
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("warm-up").status(done).build();
    }
}
