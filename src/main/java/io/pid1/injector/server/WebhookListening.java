package io.pid1.injector.server;

import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the HTTPS webhook port accepts connections: the management port opens first, and
 * a Service that routed reviews to a pod before that would see refused connections.
 */
@Readiness
@ApplicationScoped
public class WebhookListening implements HealthCheck {

    private volatile boolean listening;

    void started(@ObservesAsync HttpsServerStart event) {
        listening = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("webhook-port").status(listening).build();
    }
}
