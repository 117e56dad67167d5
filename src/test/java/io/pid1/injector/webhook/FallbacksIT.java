package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged server where Netty's native libraries cannot load (forced here with Netty's own switches):
 * TLS on the JDK's engine instead of BoringSSL and I/O on NIO instead of epoll, each said once in the log,
 * and reviews still answered over HTTP/2. On this platform the same jar says neither.
 */
@Timeout(120)
class FallbacksIT {

    static final String JDK_TLS = "BoringSSL is not available on this platform; TLS runs on the JDK's engine";
    static final String NIO = "Netty's native epoll transport is not available on this platform";

    @Test
    void withoutNativeLibrariesReviewsAreStillAnsweredAndTheLogSaysWhy() throws Exception {
        try (PackagedServer server =
                new PackagedServer("-Dio.netty.handler.ssl.noOpenSsl=true", "-Dio.netty.transport.noNative=true")) {
            assertPatchedOverHttp2(server.awaitFirstAnswer());
            String output = server.output();
            assertTrue(output.contains(JDK_TLS), output);
            assertTrue(output.contains(NIO), output);
        }
    }

    @Test
    void withNativeLibrariesTheLogSaysNeither() throws Exception {
        try (PackagedServer server = new PackagedServer()) {
            assertPatchedOverHttp2(server.awaitFirstAnswer());
            String output = server.output();
            assertFalse(output.contains(JDK_TLS), output);
            assertFalse(output.contains(NIO), output);
        }
    }

    private static void assertPatchedOverHttp2(WebhookClient client) throws Exception {
        HttpResponse<String> answer = client.post(
                "mutate",
                WebhookClient.review(AdmissionEndpointTest.pod("gunicorn-sh-c")).toString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(HttpClient.Version.HTTP_2, answer.version());
        assertTrue(answer.body().contains("\"patch\""), answer.body());
    }
}
