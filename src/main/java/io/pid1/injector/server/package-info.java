/**
 * The HTTP server around the admission path ({@code io.pid1.injector.webhook}): the serving certificate and
 * client CAs ({@link io.pid1.injector.server.ServingTls}), BoringSSL and epoll when they load, the body limit and
 * read deadline, batched logging while serving, the warm-up review and readiness, and the stop on SIGTERM
 * ({@link io.pid1.injector.server.GracefulStop}). Nothing here reads a pod.
 */
package io.pid1.injector.server;
