package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 settings the webhook advertises (read from the wire) and its connection limit,
 * here lowered to 4 so the test needs few sockets: a connection over the limit is closed, and a place freed by a
 * closed connection is given to the next one.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@TestProfile(Http2LimitsTest.FourConnections.class)
class Http2LimitsTest {

    public static class FourConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", "4");
        }
    }

    private static final byte SETTINGS = 4;
    private static final int SETTINGS_MAX_CONCURRENT_STREAMS = 3;

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @Test
    void http2AdvertisesAHundredConcurrentStreams() throws Exception {
        SSLContext tls = WebhookClient.trusting(TlsMaterial.readFrom(TlsFiles.dir));
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", base.getPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertEquals("h2", socket.getApplicationProtocol());
            assertEquals(100L, serverSettings(socket).get(SETTINGS_MAX_CONCURRENT_STREAMS));
        }
    }

    @Test
    void aConnectionOverTheLimitIsClosedAndAFreedPlaceIsReused() throws Exception {
        SSLContext tls = WebhookClient.trusting(TlsMaterial.readFrom(TlsFiles.dir));
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(connect(tls));
            }
            for (SSLSocket socket : held) {
                assertTrue(staysOpen(socket), "a connection within the limit was closed");
            }
            try (SSLSocket fifth = connect(tls)) {
                assertEquals(false, staysOpen(fifth), "the fifth connection was kept");
            }
            held.remove(0).close();
            boolean reused = false;
            for (int attempt = 0; attempt < 50 && !reused; attempt++) {
                try (SSLSocket next = connect(tls)) {
                    reused = staysOpen(next);
                }
            }
            assertTrue(reused, "no connection was accepted after one closed");
        } finally {
            for (SSLSocket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * The server's first SETTINGS frame (RFC 9113 section 6.5), read after the client preface: a frame header is
     * nine bytes and each setting six, so it is read here directly rather than through Netty's HTTP/2 codec.
     */
    private static Map<Integer, Long> serverSettings(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, SETTINGS, 0, 0, 0, 0, 0});
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        assertEquals(SETTINGS, in.readByte(), "the server's first frame is not SETTINGS");
        in.readByte();
        in.readInt();
        Map<Integer, Long> settings = new HashMap<>();
        for (int read = 0; read < length; read += 6) {
            settings.put(in.readUnsignedShort(), Integer.toUnsignedLong(in.readInt()));
        }
        return settings;
    }

    private SSLSocket connect(SSLContext tls) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", base.getPort());
        socket.startHandshake();
        return socket;
    }

    /** Whether the server leaves the connection open for half a second (an HTTP/1.1 server sends nothing first). */
    private static boolean staysOpen(SSLSocket socket) throws IOException {
        socket.setSoTimeout(500);
        try {
            return socket.getInputStream().read() != -1;
        } catch (SocketTimeoutException open) {
            return true;
        } catch (IOException closed) {
            return false;
        }
    }
}
