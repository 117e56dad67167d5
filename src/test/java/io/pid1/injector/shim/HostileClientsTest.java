package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients of the pod's network attack the shim's hand-written HTTP server on a real socket: oversized heads, a
 * client that sends a byte at a time, garbage, idle connections, clients that hang up halfway, other methods,
 * odd paths. Each gets its answer (or is cut off), nothing is signalled, and {@code /healthz} answers afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileClientsTest {

    private static final String TOKEN = "HostileClientsToken-0123";
    private static final String CONFIG = """
            {"host": "127.0.0.1", "port": 0, "drainToken": "%s", "containers": [
              {"name": "web", "argv": ["gunicorn", "app:app"], "drainSeconds": 0, "gracefulSeconds": 0}
            ]}""".formatted(TOKEN);

    @TempDir
    Path root;

    private Shim shim;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        FakeProc proc = new FakeProc(root)
                .add(1, 0, 'S', 1, "/pause")
                .add(10, 0, 'S', 5, "gunicorn", "app:app")
                .add(11, 10, 'S', 6, "gunicorn", "app:app");
        shim = new Shim(ShimConfig.parse(CONFIG), proc.procFs(), (pid, signal) -> sent.add(signal + " " + pid));
        shim.start();
    }

    @AfterEach
    void stillServesAndSignalledNothing() throws Exception {
        assertEquals("HTTP/1.1 200 OK", statusLine(exchange("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")));
        assertEquals(List.of(), sent);
        shim.stop(Duration.ZERO);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", shim.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request} and reads the whole answer until the shim closes the connection. */
    private String exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String exchange(byte[] request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String statusLine(String answer) {
        return answer.lines().findFirst().orElse("");
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aRequestLineOverEightKibibytesIs431() throws Exception {
        String answer = exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", statusLine(answer));
        assertEquals("the request head is over 8192 bytes\n", body(answer));
    }

    @Test
    void headersOverEightKibibytesAre431EvenWithTheToken() throws Exception {
        StringBuilder request = new StringBuilder("GET /drain/web HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\n");
        for (int i = 0; i < 100; i++) {
            request.append("X-Pad-")
                    .append(i)
                    .append(": ")
                    .append("b".repeat(100))
                    .append("\r\n");
        }
        String answer = exchange(request.append("\r\n").toString());
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", statusLine(answer));
    }

    @Test
    void aClientSendingAByteAtATimeIsCutOffAfterFiveSeconds() throws Exception {
        long started = System.nanoTime();
        try (Socket slow = connect()) {
            OutputStream out = slow.getOutputStream();
            InputStream in = slow.getInputStream();
            out.write("GET /healthz HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
            boolean closed = false;
            while (!closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15)) {
                Thread.sleep(250);
                try {
                    out.write('a');
                    slow.setSoTimeout(1);
                    closed = in.read() < 0;
                } catch (SocketTimeoutException e) {
                    // Still open: the server is waiting for the rest of the head.
                } catch (IOException e) {
                    closed = true;
                }
                assertEquals("HTTP/1.1 200 OK", statusLine(exchange("GET /healthz HTTP/1.1\r\n\r\n")));
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(closed, "the slow client was never cut off");
            assertTrue(seconds >= 4 && seconds <= 8, "cut off after " + seconds + " s");
        }
    }

    static List<Arguments> garbage() {
        return List.of(
                Arguments.of(
                        "a TLS hello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"),
                Arguments.of("no target", "GET\r\n\r\n"),
                Arguments.of("HTTP/0.9", "GET /healthz\r\n\r\n"),
                Arguments.of("two spaces", "GET  /healthz HTTP/1.1\r\n\r\n"),
                Arguments.of("lower-case method", "get /healthz HTTP/1.1\r\n\r\n"),
                Arguments.of("HTTP/2", "GET /healthz HTTP/2.0\r\n\r\n"),
                Arguments.of("absolute target", "GET http://a/healthz HTTP/1.1\r\n\r\n"),
                Arguments.of("asterisk target", "OPTIONS * HTTP/1.1\r\n\r\n"),
                Arguments.of("header without a colon", "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n"),
                Arguments.of("space before the colon", "GET /healthz HTTP/1.1\r\nHost : a\r\n\r\n"),
                Arguments.of("folded header", "GET /healthz HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"),
                Arguments.of("bare carriage return", "GET /healthz HTTP/1.1\rHost: a\r\n\r\n"),
                Arguments.of("NUL in a header", "GET /healthz HTTP/1.1\r\nHost: a\u0000b\r\n\r\n"),
                Arguments.of("escape in a header", "GET /healthz HTTP/1.1\r\nUser-Agent: \u001b[31m\r\n\r\n"),
                Arguments.of("a byte over 127 in the path", "GET /workers/w\u00ffb HTTP/1.1\r\n\r\n"),
                Arguments.of("a bad escape", "GET /workers/%zz HTTP/1.1\r\n\r\n"),
                Arguments.of("a cut escape", "GET /workers/%4 HTTP/1.1\r\n\r\n"),
                Arguments.of("an escaped newline", "GET /workers/web%0a HTTP/1.1\r\n\r\n"),
                Arguments.of("an escaped NUL", "GET /workers/%00 HTTP/1.1\r\n\r\n"),
                Arguments.of("a fragment", "GET /healthz#top HTTP/1.1\r\n\r\n"),
                Arguments.of(
                        "two tokens",
                        "GET /drain/web HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\nauthorization: Bearer "
                                + TOKEN + "\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageIsA400(String what, String request) throws Exception {
        String answer = exchange(request);
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(answer), what);
        assertEquals(1, body(answer).lines().count(), answer);
    }

    @Test
    void randomBytesAreRefusedWithA4xx() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            byte[] request = new byte[1 + random.nextInt(300)];
            random.nextBytes(request);
            byte[] ended = Arrays.copyOf(request, request.length + 4);
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, ended, request.length, 4);
            String line = statusLine(exchange(ended));
            assertTrue(line.startsWith("HTTP/1.1 4"), "seed " + seed + ", request " + i + ": " + line);
        }
    }

    @Test
    void manyIdleConnectionsCannotKeepTheKubeletOut() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                idle.add(connect());
            }
            long started = System.nanoTime();
            String answer = exchange("GET /workers/web HTTP/1.1\r\n\r\n");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals("HTTP/1.1 200 OK", statusLine(answer));
            assertTrue(millis < 2000, "answered after " + millis + " ms");
            int closed = 0;
            for (Socket socket : idle) {
                socket.setSoTimeout(200);
                try {
                    closed += socket.getInputStream().read() < 0 ? 1 : 0;
                } catch (SocketTimeoutException e) {
                    // Still held: one of the newest.
                } catch (IOException e) {
                    closed++;
                }
            }
            assertTrue(closed >= 100 - StrictHttpServer.MAX_CONNECTIONS, closed + " idle connections closed");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void clientsThatHangUpHalfwayLeaveTheirSlotsFree() throws Exception {
        for (int i = 0; i < 3 * StrictHttpServer.MAX_CONNECTIONS; i++) {
            try (Socket socket = connect()) {
                socket.getOutputStream()
                        .write("GET /drain/web HTTP/1.1\r\nAuthorization: Bea".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        List<Socket> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < StrictHttpServer.MAX_CONNECTIONS; i++) {
                Socket socket = connect();
                waiting.add(socket);
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            for (Socket socket : waiting) {
                socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("HTTP/1.1 200 OK", statusLine(answer), "each of the open connections is answered");
            }
        } finally {
            for (Socket socket : waiting) {
                socket.close();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "POST, /drain/web, GET",
        "PUT, /drain/web, GET",
        "DELETE, /drain/web, GET",
        "HEAD, /drain/web, GET",
        "OPTIONS, /drain/web, GET",
        "PATCH, /workers/web, 'GET, HEAD'",
        "TRACE, /healthz, 'GET, HEAD'",
        "CONNECT, /healthz, 'GET, HEAD'",
        "BREW, /healthz, 'GET, HEAD'",
    })
    void everyOtherMethodIs405AndDrainsNothing(String method, String path, String allow) throws Exception {
        String answer = exchange(method + " " + path + " HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("HTTP/1.1 405 Method Not Allowed", statusLine(answer));
        assertTrue(answer.contains("\r\nAllow: " + allow + "\r\n"), answer);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/healthz?probe=1 | 200 | ok",
                "/workers/web?x=/drain/web | 200 | master 10 alive, 1/1 workers live",
                "/workers/we%62 | 200 | master 10 alive, 1/1 workers live",
                "/workers/web%2F | 404 | no container named \"web/\"",
                "/workers/%E2%80%A6 | 404 | no container named \"…\"",
                "/workers/../healthz | 404 | no container named \"../healthz\"",
                "/%64rain/db | 403 | drain needs the pod's drain token",
            })
    void aQueryIsDroppedAndEscapesAreDecoded(String target, int status, String body) throws Exception {
        String answer = exchange("GET " + target + " HTTP/1.0\r\n\r\n");
        assertTrue(statusLine(answer).startsWith("HTTP/1.1 " + status + " "), answer);
        assertEquals(body + "\n", body(answer));
    }

    @Test
    void aHeadAnswerHasTheLengthButNoBody() throws Exception {
        String answer = exchange("HEAD /healthz HTTP/1.1\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(answer));
        assertTrue(answer.endsWith("Content-Length: 3\r\nConnection: close\r\n\r\n"), answer);
    }
}
