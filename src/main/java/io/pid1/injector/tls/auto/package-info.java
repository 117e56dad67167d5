/**
 * Self-managed TLS ({@code pid1.tls.auto}): at start the webhook takes its CA and serving certificate
 * from a Secret its replicas share, creating the Secret when it is missing or about to expire, and
 * writes the CA into the caBundle of its MutatingWebhookConfiguration.
 */
package io.pid1.injector.tls.auto;
