package io.pid1.injector.catalog;

/** A catalog file that cannot be used; the message is one line naming the file, entry and field. */
public final class InvalidCatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidCatalogException(String message) {
        super(message);
    }

    InvalidCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
