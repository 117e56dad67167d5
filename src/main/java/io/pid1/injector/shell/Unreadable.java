package io.pid1.injector.shell;

/** Thrown inside the reader when the script uses something it cannot prove; carries the reason. */
final class Unreadable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Unreadable(String reason) {
        super(reason, null, false, false);
    }

    String reason() {
        return getMessage();
    }
}
