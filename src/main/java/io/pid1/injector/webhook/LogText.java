package io.pid1.injector.webhook;

/**
 * A value taken from a review (a pod's name, namespace, uid, a container's name) made safe for one log line:
 * mutating admission runs before validation, so these may hold anything. Line breaks and other control
 * characters are written as {@code \n} or {@code \u2028} escapes, and a value is cut at 253 characters (the
 * longest valid name). Jackson's {@code JsonStringEncoder} was considered: it leaves U+0085, U+2028 and U+2029
 * as they are, which some log viewers break lines at.
 */
final class LogText {

    static final int MAX_CHARS = 253;

    private LogText() {}

    static String of(String value) {
        if (value.length() <= MAX_CHARS && value.chars().allMatch(c -> !needsEscape(c))) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 16);
        int end = Math.min(value.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return end < value.length() ? out.append('…').toString() : out.toString();
    }

    private static boolean needsEscape(int c) {
        return c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
