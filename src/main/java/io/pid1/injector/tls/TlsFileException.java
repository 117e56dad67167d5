package io.pid1.injector.tls;

import io.pid1.injector.text.OneLine;

/** TLS files that must not be used (a serving pair, a client CA); the message is one line, fit for the log. */
public final class TlsFileException extends Exception {

    TlsFileException(String message) {
        super(OneLine.of(message, "unusable"));
    }
}
