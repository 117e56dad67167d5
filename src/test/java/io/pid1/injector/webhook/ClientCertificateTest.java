package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With {@code pid1.tls.client-ca-file} set at run time, only a client certificate from that CA reaches
 * {@code /mutate}; curl stands in for kube-apiserver. The management port asks for none.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@WithTestResource(ClientCas.class)
class ClientCertificateTest {

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void aClientCertificateFromTheConfiguredCaReachesTheWebhook() throws Exception {
        assertEquals("400", curl("trusted"));
    }

    @Test
    void withoutAClientCertificateTheHandshakeFails() throws Exception {
        assertNotEquals("400", curl(null));
    }

    @Test
    void aClientCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        assertNotEquals("400", curl("other"));
    }

    @Test
    void theManagementPortAsksForNoCertificate() throws Exception {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "http://127.0.0.1:" + management.getPort() + "/q/health/live")
                .start();
        assertEquals("200", new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The status of an invalid review posted with the client certificate of {@code ca}, or curl's exit code. */
    private String curl(String ca) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                TlsFiles.dir.resolve(TlsMaterial.CA_FILE).toString(),
                "-X",
                "POST",
                "-d",
                "{"));
        if (ca != null) {
            command.addAll(List.of(
                    "--cert",
                    ClientCas.dir.resolve(ca).resolve("client.crt").toString(),
                    "--key",
                    ClientCas.dir.resolve(ca).resolve("client.key").toString()));
        }
        command.add("https://localhost:" + base.getPort() + "/mutate");
        Process process = new ProcessBuilder(command).start();
        String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue() == 0 ? status : "curl exit " + process.exitValue();
    }
}
