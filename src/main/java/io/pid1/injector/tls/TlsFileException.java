package io.pid1.injector.tls;

/** TLS files that must not be used (a serving pair, a client CA); the message is one line, fit for the log. */
public final class TlsFileException extends Exception {

    TlsFileException(String message) {
        super(message.lines().findFirst().orElse(message));
    }
}
