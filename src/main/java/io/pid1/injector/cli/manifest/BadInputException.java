package io.pid1.injector.cli.manifest;

import io.pid1.injector.text.OneLine;

/** Input that cannot be read as manifests; the message is one line naming the file (and line). */
public final class BadInputException extends Exception {

    public BadInputException(String source, int line, String reason) {
        super(source + (line > 0 ? ":" + line : "") + ": " + OneLine.of(reason, "unreadable"));
    }
}
