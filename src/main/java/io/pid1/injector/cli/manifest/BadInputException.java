package io.pid1.injector.cli.manifest;

/** Input that cannot be read as manifests; the message is one line naming the file (and line). */
public final class BadInputException extends Exception {

    public BadInputException(String source, int line, String reason) {
        super(source + (line > 0 ? ":" + line : "") + ": " + firstLine(reason));
    }

    private static String firstLine(String reason) {
        String text = reason == null ? "unreadable" : reason.strip();
        return text.lines().findFirst().orElse("unreadable");
    }
}
