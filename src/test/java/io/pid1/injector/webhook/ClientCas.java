package io.pid1.injector.webhook;

import io.pid1.injector.tls.Openssl;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Two client CAs made with the {@code openssl} command, each with a client certificate ({@code clientAuth}), as
 * an API server's would be: the server under test trusts {@code trusted/ca.crt} only.
 */
public class ClientCas implements QuarkusTestResourceLifecycleManager {

    static volatile Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("pid1-client-cas");
            for (String name : List.of("trusted", "other")) {
                make(dir.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "pid1.tls.client-ca-file",
                dir.resolve("trusted").resolve("ca.crt").toString());
    }

    private static void make(Path ca) throws IOException {
        Files.createDirectories(ca);
        Files.writeString(ca.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        String ec = "ec_paramgen_curve:P-256";
        openssl(
                ca,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                ec,
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=" + ca.getFileName() + " client CA",
                "-days",
                "2",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign");
        openssl(
                ca,
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                ec,
                "-nodes",
                "-keyout",
                "client.key",
                "-out",
                "client.csr",
                "-subj",
                "/CN=kube-apiserver");
        openssl(
                ca,
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "client.crt",
                "-days",
                "2",
                "-extfile",
                "client.ext");
    }

    private static void openssl(Path in, String... arguments) throws IOException {
        try {
            Openssl.Result result = Openssl.run(in, List.of(arguments));
            if (result.exitCode() != 0) {
                throw new IOException("openssl " + String.join(" ", arguments) + ": " + result.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void stop() {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
