package io.pid1.injector.shim;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A small, strict HTTP/1.1 server for the shim's few endpoints: one request per connection, answered with
 * {@code Connection: close} and a one-line text body; a request body is only discarded. The request head must arrive
 * whole within {@link #HEAD_DEADLINE} (a client sending a byte a second is cut off) and fit in
 * {@link #MAX_HEAD_BYTES} (else 431); at most {@link #MAX_CONNECTIONS} connections are held at once
 * ({@link ConnectionSlots}).
 * Written by hand: the JDK's {@code jdk.httpserver}, which the shim used before, cost every pod's sidecar 4 MiB
 * of resident memory more for its selector, its exchange classes and the {@code java.time} formatters of its
 * {@code Date} header (bench/README.md, "pid1-shim in the image"); the webhook's Vert.x is larger still.
 */
final class StrictHttpServer {

    /** The limit on the request line and headers together. */
    static final int MAX_HEAD_BYTES = 8192;
    /** How long a client has to send its whole request head: the kubelet sends it at once. */
    static final Duration HEAD_DEADLINE = Duration.ofSeconds(5);
    /** The connections held at once: a few probes and one drain per container. */
    static final int MAX_CONNECTIONS = 32;

    private static final int BACKLOG = 50;
    private static final long ACCEPT_ERROR_PAUSE_MILLIS = 100;
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int MAX_DISCARDED_BYTES = 64 * 1024;

    /** What the server answers: a status, a line of text and, for a 405, the methods allowed. */
    record Reply(int status, String line, String allow) {

        Reply(int status, String line) {
            this(status, line, null);
        }
    }

    /** Answers one request. */
    interface Handler {
        Reply answer(RequestHead head, InetAddress client) throws InterruptedException;
    }

    private final ServerSocket listener;
    private final Executor executor;
    private final Handler handler;
    private final ConnectionSlots slots = new ConnectionSlots(MAX_CONNECTIONS);

    StrictHttpServer(String host, int port, Executor executor, Handler handler) throws IOException {
        this.listener = new ServerSocket();
        this.executor = executor;
        this.handler = handler;
        try {
            listener.bind(new InetSocketAddress(host, port), BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** Starts accepting connections on a thread of the executor. */
    void start() {
        executor.execute(this::acceptAll);
    }

    /** The port it listens on. */
    int port() {
        return listener.getLocalPort();
    }

    /** Waits until no request is being answered, or {@code limit} has passed; true when none is left. */
    boolean awaitAnswers(Duration limit) throws InterruptedException {
        return slots.awaitNoneAnswering(limit);
    }

    /** Stops accepting; requests being answered go on until the executor stops them. */
    void stop() {
        try {
            listener.close();
        } catch (IOException e) {
            ShimServer.log("closing the listening socket: " + e.getMessage());
        }
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    ShimServer.log("accepting a connection failed: " + e.getMessage());
                    pause();
                }
                continue;
            }
            if (slots.admit(connection)) {
                try {
                    executor.execute(() -> serve(connection));
                } catch (RejectedExecutionException e) {
                    slots.release(connection, false);
                    close(connection);
                }
            }
        }
    }

    private void serve(Socket connection) {
        boolean answering = false;
        try (connection) {
            Reply reply;
            boolean head = false;
            try {
                RequestHead request = RequestHead.parse(readHead(connection));
                answering = slots.startAnswering(connection);
                if (!answering) {
                    return;
                }
                head = request.method().equals("HEAD");
                reply = handler.answer(request, connection.getInetAddress());
            } catch (RequestHead.BadRequest e) {
                reply = new Reply(e.status(), e.getMessage());
            }
            write(connection.getOutputStream(), reply, head);
            discardRest(connection);
        } catch (IOException e) {
            // The client went away, or was too slow: there is no one to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slots.release(connection, answering);
        }
    }

    /** The request line and headers up to their empty line, read within the deadline. */
    private static byte[] readHead(Socket connection) throws IOException, RequestHead.BadRequest {
        long deadline = System.nanoTime() + HEAD_DEADLINE.toNanos();
        InputStream in = connection.getInputStream();
        byte[] buffer = new byte[MAX_HEAD_BYTES];
        int length = 0;
        while (length < buffer.length) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no request head within " + HEAD_DEADLINE.toSeconds() + " s");
            }
            connection.setSoTimeout((int) left);
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                throw new EOFException("closed before the end of the request head");
            }
            for (int i = length; i < length + read; i++) {
                if (buffer[i] == '\n'
                        && ((i >= 1 && buffer[i - 1] == '\n')
                                || (i >= 2 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n'))) {
                    return Arrays.copyOf(buffer, i + 1);
                }
            }
            length += read;
        }
        throw new RequestHead.BadRequest(431, "the request head is over " + MAX_HEAD_BYTES + " bytes");
    }

    /**
     * Reads what the client still sends (a body, the rest of an oversized head; up to a limit, for a second at most)
     * before closing: closing with unread bytes would reset the connection, which can destroy the answer before the
     * client reads it. A client closes as soon as it has read an answer with {@code Connection: close}.
     */
    private static void discardRest(Socket connection) throws IOException {
        connection.shutdownOutput();
        connection.setSoTimeout((int) LINGER.toMillis());
        long deadline = System.nanoTime() + LINGER.toNanos();
        InputStream in = connection.getInputStream();
        byte[] buffer = new byte[1024];
        for (int total = 0; total < MAX_DISCARDED_BYTES && System.nanoTime() < deadline; ) {
            int read = in.read(buffer);
            if (read < 0) {
                return;
            }
            total += read;
        }
    }

    private static void write(OutputStream out, Reply reply, boolean head) throws IOException {
        byte[] body = (reply.line() + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(160)
                .append("HTTP/1.1 ")
                .append(reply.status())
                .append(' ')
                .append(reason(reply.status()))
                .append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ")
                .append(body.length)
                .append("\r\nConnection: close\r\n");
        if (reply.allow() != null) {
            text.append("Allow: ").append(reply.allow()).append("\r\n");
        }
        byte[] start = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(start, start.length + (head ? 0 : body.length));
        if (!head) {
            System.arraycopy(body, 0, all, start.length, body.length);
        }
        out.write(all);
        out.flush();
    }

    private static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 403:
                return "Forbidden";
            case 404:
                return "Not Found";
            case 405:
                return "Method Not Allowed";
            case 431:
                return "Request Header Fields Too Large";
            case 503:
                return "Service Unavailable";
            default:
                return "Internal Server Error";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Socket connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // Refused for want of a thread: nothing is left to do with it.
        }
    }
}
