package io.pid1.injector.catalog;

/** Whether a flag's value is a plain number: asked of each port and count read, so not a regex. */
final class Digits {

    private Digits() {}

    /** Whether {@code value} is 1 to {@code max} ASCII digits. */
    static boolean upTo(String value, int max) {
        if (value.isEmpty() || value.length() > max) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
