package io.pid1.injector.shim;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON (RFC 8259, strictly: no comments, trailing commas or repeated names) into plain Java values:
 * {@link Map}, {@link List}, {@link String}, {@link Integer}, {@link Long} or {@link BigInteger} for whole numbers,
 * {@link Double} for others, {@link Boolean} and null. Written by hand for the shim's configuration alone:
 * jackson-core's streaming parser, which read it before, and the regular expressions it loads cost every pod's
 * sidecar 1.7 MiB of resident memory (bench/README.md, "pid1-shim in the image"), and the JDK has no JSON reader.
 */
final class JsonValues {

    /** Deeper nesting is refused before it can overflow the shim's small thread stack. */
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int at;

    private JsonValues(String text) {
        this.text = text;
    }

    /** The one JSON value in {@code json}; an {@link IOException} says what is wrong with it. */
    static Object read(String json) throws IOException {
        JsonValues reader = new JsonValues(json);
        reader.skipSpace();
        if (reader.at == json.length()) {
            throw new IOException("no JSON value");
        }
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.at < json.length()) {
            throw new IOException("unexpected text after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        char c = peek();
        if (c == '{') {
            return object(depth);
        } else if (c == '[') {
            return array(depth);
        } else if (c == '"') {
            return string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        } else if (text.startsWith("true", at)) {
            at += 4;
            return Boolean.TRUE;
        } else if (text.startsWith("false", at)) {
            at += 5;
            return Boolean.FALSE;
        } else if (text.startsWith("null", at)) {
            at += 4;
            return null;
        }
        throw error("unexpected character");
    }

    private Map<String, Object> object(int depth) throws IOException {
        at++;
        Map<String, Object> object = new LinkedHashMap<>();
        skipSpace();
        if (take('}')) {
            return object;
        }
        do {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a field name");
            }
            String name = string();
            if (object.containsKey(name)) {
                throw new IOException("Duplicate field '" + name + "'");
            }
            skipSpace();
            expect(':');
            skipSpace();
            object.put(name, value(depth + 1));
            skipSpace();
        } while (take(','));
        expect('}');
        return object;
    }

    private List<Object> array(int depth) throws IOException {
        at++;
        List<Object> array = new ArrayList<>();
        skipSpace();
        if (take(']')) {
            return array;
        }
        do {
            skipSpace();
            array.add(value(depth + 1));
            skipSpace();
        } while (take(','));
        expect(']');
        return array;
    }

    private String string() throws IOException {
        at++;
        StringBuilder string = new StringBuilder();
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return string.toString();
            } else if (c < 0x20) {
                throw error("a control character in a string");
            } else if (c != '\\') {
                string.append(c);
                continue;
            }
            char escaped = peek();
            at++;
            int simple = "\"\\/bfnrt".indexOf(escaped);
            if (simple >= 0) {
                string.append("\"\\/\b\f\n\r\t".charAt(simple));
            } else if (escaped == 'u' && at + 4 <= text.length() && hex(text.substring(at, at + 4))) {
                string.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                at += 4;
            } else {
                throw error("a bad escape in a string");
            }
        }
    }

    private Number number() throws IOException {
        int start = at;
        take('-');
        if (!take('0') && !digits()) {
            throw error("a bad number");
        }
        boolean whole = true;
        if (take('.')) {
            whole = false;
            if (!digits()) {
                throw error("a bad number");
            }
        }
        if (take('e') || take('E')) {
            whole = false;
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                throw error("a bad number");
            }
        }
        String number = text.substring(start, at);
        if (!whole) {
            return Double.valueOf(number);
        }
        BigInteger value = new BigInteger(number);
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    /** Reads one or more digits; false when there is none. */
    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private static boolean hex(String four) {
        for (int i = 0; i < four.length(); i++) {
            if ("0123456789abcdefABCDEF".indexOf(four.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private void skipSpace() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() throws IOException {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private boolean take(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws IOException {
        if (!take(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IOException error(String what) {
        return new IOException(what + " at character " + (at + 1));
    }
}
