package io.pid1.injector.tls.auto;

import io.pid1.injector.text.OneLine;

/** Self-managed TLS could not be set up; the message is one line, fit for the log. */
public final class AutoTlsException extends RuntimeException {

    AutoTlsException(String message, Throwable cause) {
        super(OneLine.of(message, cause.getClass().getSimpleName()), cause);
    }
}
