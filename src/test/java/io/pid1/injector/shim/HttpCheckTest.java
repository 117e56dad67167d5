package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpCheckTest {

    private static final HttpCheck CHECK = new HttpCheck(Duration.ofMillis(400));

    @ParameterizedTest
    @ValueSource(ints = {200, 302, 404, 503})
    void returnsWhateverStatusTheServerAnswers(int status) throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            asked.set(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            assertEquals(
                    OptionalInt.of(status), CHECK.status(server.getAddress().getPort(), "/ready?x=1"));
            assertEquals("GET /ready?x=1", asked.get());
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '#',
            nullValues = "none",
            value = {
                "HTTP/1.1 200 OK # 200",
                "HTTP/1.0 404 # 404",
                "HTTP/2 503 Service Unavailable # 503",
                "HTTP/1.1 2000 # none",
                "HTTP/1.1 20 # none",
                "HTTP/1.1  200 # none",
                "HTTP/11 200 # none",
                "HTTP/1. 200 # none",
                "http/1.1 200 # none",
                "HTTP/1.1 200OK # none",
                "-ERR unknown command # none",
            })
    void readsOnlyAStatusLine(String line, Integer status) {
        assertEquals(status == null ? OptionalInt.empty() : OptionalInt.of(status), HttpCheck.status(line));
        assertEquals(HttpCheck.status(line), HttpCheck.status(line + "\r"), "the line's carriage return");
    }

    @Test
    void aClosedPortIsNoAnswer() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        assertEquals(OptionalInt.empty(), CHECK.status(port, "/"));
    }

    @Test
    void aServerThatTalksSomethingElseIsNoAnswer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread answer = new Thread(() -> {
                try (Socket client = server.accept();
                        OutputStream out = client.getOutputStream()) {
                    out.write("-ERR unknown command\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the check has gone
                }
            });
            answer.start();
            assertEquals(OptionalInt.empty(), CHECK.status(server.getLocalPort(), "/"));
            answer.join(2000);
        }
    }

    @Test
    void aServerThatSendsTheStatusSlowlyByteByByteStillMeetsOneDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread trickle = new Thread(() -> {
                try (Socket client = server.accept();
                        OutputStream out = client.getOutputStream()) {
                    for (byte b : "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    // the check has gone
                }
            });
            trickle.start();
            long started = System.nanoTime();
            assertEquals(OptionalInt.empty(), CHECK.status(server.getLocalPort(), "/"));
            long millis = (System.nanoTime() - started) / 1_000_000;
            // A deadline per read would last the whole 1.7 s trickle; no tighter bound, so load cannot fail it.
            assertEquals(true, millis < 1500, "one deadline for the whole exchange, took " + millis + " ms");
            trickle.join(3000);
        }
    }
}
