package io.pid1.injector.webhook;

import io.pid1.injector.core.PodFixer;
import io.pid1.injector.registry.ImageResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Makes the engine and the image resolver from the configuration, as the CLI does ({@link WebhookConfig}). */
@ApplicationScoped
class EngineProducer {

    @Produces
    @ApplicationScoped
    PodFixer podFixer(WebhookConfig config) {
        return new PodFixer(config.catalog(), config.engineSettings());
    }

    @Produces
    @ApplicationScoped
    ImageResolver imageResolver(WebhookConfig config) {
        return ImageResolver.create(config.registry().settings());
    }
}
