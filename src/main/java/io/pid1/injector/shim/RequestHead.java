package io.pid1.injector.shim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The head of one HTTP/1.0 or 1.1 request, as {@link StrictHttpServer} reads it: the method, the path (the query
 * dropped, percent-escapes decoded) and the {@code Authorization} header, the only one the shim reads. Strict, as
 * the shim's port is open to the pod's network: a control character anywhere, a request target that is not a path,
 * a folded or nameless header line or a second {@code Authorization} is a {@link BadRequest}.
 */
record RequestHead(String method, String path, String authorization) {

    private static final String AUTHORIZATION = "authorization";

    /** Parses a head that ends with its empty line (CRLF or LF line ends). */
    static RequestHead parse(byte[] head) throws BadRequest {
        for (byte b : head) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\r' && b != '\n') || b == 0x7f) {
                throw new BadRequest(400, "a control character in the request");
            }
        }
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\n", -1);
        String[] request = line(lines[0]).split(" ", -1);
        if (request.length != 3 || !isMethod(request[0])) {
            throw new BadRequest(400, "not an HTTP request line");
        }
        if (!request[2].equals("HTTP/1.1") && !request[2].equals("HTTP/1.0")) {
            throw new BadRequest(400, "only HTTP/1.0 and HTTP/1.1");
        }
        String authorization = null;
        for (int i = 1; i < lines.length && !line(lines[i]).isEmpty(); i++) {
            String field = line(lines[i]);
            int colon = field.indexOf(':');
            if (colon <= 0 || !isToken(field.substring(0, colon))) {
                throw new BadRequest(400, "a malformed header line");
            }
            if (field.substring(0, colon).equalsIgnoreCase(AUTHORIZATION)) {
                if (authorization != null) {
                    throw new BadRequest(400, "two Authorization headers");
                }
                authorization = field.substring(colon + 1).strip();
            }
        }
        return new RequestHead(request[0], path(request[1]), authorization);
    }

    private static String line(String line) throws BadRequest {
        String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (bare.indexOf('\r') >= 0) {
            throw new BadRequest(400, "a carriage return inside a line");
        }
        return bare;
    }

    /** The path of an origin-form target ({@code /a/b?q}), decoded; any other form is refused. */
    private static String path(String target) throws BadRequest {
        if (!target.startsWith("/")) {
            throw new BadRequest(400, "the request target is not a path");
        }
        int query = target.indexOf('?');
        String raw = query < 0 ? target : target.substring(0, query);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0x7e || c == '#') {
                throw new BadRequest(400, "a character not allowed in a path");
            }
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (low < 0 || high * 16 + low < 0x20 || high * 16 + low == 0x7f) {
                throw new BadRequest(400, "a bad percent-escape in the path");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isMethod(String word) {
        if (word.isEmpty() || word.length() > 16) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) < 'A' || word.charAt(i) > 'Z') {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110's token: a header name. */
    private static boolean isToken(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            boolean alphanumeric = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A request refused before the shim sees it: answered with its status and one line, then closed. */
    static final class BadRequest extends Exception {

        private final int status;

        BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
