package io.pid1.injector.shim;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * One GET to a server on the loopback address. Any HTTP status is an answer: a status code means a
 * worker took the request, which is what a liveness check of a pre-fork server needs to know (the
 * master alone keeps the port accepting connections).
 */
public final class HttpCheck {

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
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) new URL("http", "127.0.0.1", port, path).openConnection(Proxy.NO_PROXY);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Connection", "close");
            connection.setRequestProperty("User-Agent", "pid1-shim");
            connection.setConnectTimeout(remainingMillis(deadline));
            connection.connect();
            connection.setReadTimeout(remainingMillis(deadline));
            int status = connection.getResponseCode();
            discard(connection);
            return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
        } catch (IOException e) {
            return OptionalInt.empty();
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static void discard(HttpURLConnection connection) {
        InputStream body = connection.getErrorStream();
        try (InputStream in = body != null ? body : connection.getInputStream()) {
            in.close();
        } catch (IOException e) {
            // The status is already known; the body does not matter.
        }
    }

    private static int remainingMillis(long deadline) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, left);
    }
}
