package io.pid1.injector.tls.auto;

/** Self-managed TLS could not be set up; the message is one line, fit for the log. */
public final class AutoTlsException extends RuntimeException {

    AutoTlsException(String message, Throwable cause) {
        super(firstLine(message == null ? cause.getClass().getSimpleName() : message), cause);
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse(message);
    }
}
