package io.pid1.injector.text;

/**
 * The first line of a message, for the one-line errors every shell prints (docs/reference.md): parsers and the
 * JDK put a location or a stack on the next lines. The one helper for it, so that all errors are cut alike.
 */
public final class OneLine {

    private OneLine() {}

    /** The first line of {@code message} (leading blank lines skipped), or {@code ifNone} when it has none. */
    public static String of(String message, String ifNone) {
        String text = message == null ? "" : message.strip();
        return text.isEmpty() ? ifNone : text.lines().findFirst().orElse(ifNone).stripTrailing();
    }

    /** As {@link #of(String, String)}, cut to at most {@code max} characters. */
    public static String of(String message, String ifNone, int max) {
        String line = of(message, ifNone);
        return line.length() > max ? line.substring(0, max) : line;
    }

    /** The first line of the exception's message, else its class's simple name. */
    public static String of(Throwable e) {
        return of(e.getMessage(), e.getClass().getSimpleName());
    }
}
