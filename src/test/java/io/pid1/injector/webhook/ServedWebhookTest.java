package io.pid1.injector.webhook;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/** What the Quarkus webhook tests share: the test server's HTTPS address and a client that trusts its TLS files. */
abstract class ServedWebhookTest {

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    WebhookClient client;

    @BeforeEach
    void connect() throws Exception {
        client = WebhookClient.local(base);
    }
}
