/**
 * The admission path: an AdmissionReview in, an answer out. {@link io.pid1.injector.webhook.AdmissionResource}
 * takes {@code /mutate} and {@code /audit}, {@link io.pid1.injector.webhook.AdmissionService} reads the review,
 * asks the registry and the engine ({@code core}) and writes the {@link io.pid1.injector.webhook.Answer}: always
 * allowed, never blocking a pod because of the webhook's own trouble. {@link io.pid1.injector.webhook.WebhookConfig}
 * is the one configuration, read by the webhook and the CLI alike.
 *
 * <p>The HTTP server around this path (TLS, transports, limits, warm-up, graceful stop) is in
 * {@code io.pid1.injector.server}.
 */
package io.pid1.injector.webhook;
