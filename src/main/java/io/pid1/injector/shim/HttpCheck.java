package io.pid1.injector.shim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * One GET to a server on the loopback address, within one deadline for the whole exchange. Any
 * HTTP status is an answer: a status code means a worker took the request, which is what a
 * liveness check of a pre-fork server needs to know (the master alone keeps the port accepting
 * connections). Only the status line is read, over a plain socket: the JDK's HTTP clients bound
 * connect and read separately, so a hung worker would hold them for twice the timeout.
 */
public final class HttpCheck {

    private static final int MAX_STATUS_LINE = 256;

    private final Duration timeout;

    public HttpCheck(Duration timeout) {
        this.timeout = timeout;
    }

    /** The time allowed for the whole request. */
    public Duration timeout() {
        return timeout;
    }

    /** The status of {@code GET http://127.0.0.1:port/path}, or empty when nothing answered in time. */
    public OptionalInt status(int port, String path) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), remainingMillis(deadline));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nUser-Agent: pid1-shim\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return status(statusLine(socket, deadline));
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** The status of a line {@code HTTP/d[.d] ddd[ reason]}, else empty. */
    static OptionalInt status(String line) {
        int at = line.startsWith("HTTP/") && digit(line, 5) ? 6 : -1;
        if (at > 0 && line.startsWith(".", at) && digit(line, at + 1)) {
            at += 2;
        }
        boolean statusLine = at > 0
                && line.startsWith(" ", at)
                && digit(line, at + 1)
                && digit(line, at + 2)
                && digit(line, at + 3)
                && (line.length() == at + 4 || line.charAt(at + 4) == ' ' || line.charAt(at + 4) == '\r');
        return statusLine ? OptionalInt.of(Integer.parseInt(line.substring(at + 1, at + 4))) : OptionalInt.empty();
    }

    private static boolean digit(String line, int at) {
        return at < line.length() && line.charAt(at) >= '0' && line.charAt(at) <= '9';
    }

    private static String statusLine(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_STATUS_LINE) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private static int remainingMillis(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new IOException("deadline passed");
        }
        return (int) left;
    }
}
