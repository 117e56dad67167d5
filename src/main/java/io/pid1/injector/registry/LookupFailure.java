package io.pid1.injector.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Why an image could not be resolved, in a few words fit for an admission warning.
 * {@link #registryDown()} tells a failure of the registry itself (unreachable, timing out, 5xx), remembered for the
 * whole host, from one of this image only (401, manifest unknown, unreadable data).
 */
final class LookupFailure extends RuntimeException {

    private final boolean registryDown;

    private LookupFailure(String reason, boolean registryDown) {
        super(reason, null, false, false);
        this.registryDown = registryDown;
    }

    /** A failure of this image only. */
    static LookupFailure image(String reason) {
        return new LookupFailure(reason, false);
    }

    /** A failure of the registry as a whole. */
    static LookupFailure registry(String reason) {
        return new LookupFailure(reason, true);
    }

    /** The failure behind an exception of the HTTP client, a timeout, or a failure already explained. */
    static LookupFailure of(Throwable error, String registry, Deadline deadline) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof LookupFailure failure) {
            return failure;
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return registry(deadline.timeoutReason());
        }
        if (cause instanceof ConnectException) {
            return registry("cannot connect to " + registry);
        }
        if (cause instanceof SSLException) {
            return registry("TLS error with " + registry + ": " + cause.getMessage());
        }
        if (cause instanceof IOException) {
            return registry("network error with " + registry + ": " + cause.getMessage());
        }
        return image("lookup failed: " + cause);
    }

    String reason() {
        return getMessage();
    }

    boolean registryDown() {
        return registryDown;
    }
}
