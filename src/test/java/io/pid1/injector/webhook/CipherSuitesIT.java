package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pid1.injector.tls.Openssl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every TLS 1.2 suite and every TLS 1.3 suite the {@code openssl} command knows, offered alone to the packaged
 * server, on BoringSSL and on the JDK's engine: only ECDHE with AEAD is accepted (the key is EC, so the ECDSA
 * suites), and the three TLS 1.3 suites.
 */
class CipherSuitesIT {

    private static final Set<String> TLS12 =
            Set.of("ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305");
    private static final Set<String> TLS13 =
            Set.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");

    @ParameterizedTest
    @ValueSource(strings = {"BoringSSL", "JDK"})
    void onlyAeadSuitesAreAccepted(String engine) throws Exception {
        String[] jvm = engine.equals("JDK") ? new String[] {"-Dio.netty.handler.ssl.noOpenSsl=true"} : new String[0];
        try (PackagedServer server = new PackagedServer(jvm)) {
            server.awaitFirstAnswer();
            String connect = "127.0.0.1:" + server.port;
            Set<String> tls12 = new TreeSet<>();
            for (String suite : openssl("ciphers", "-s", "-tls1_2", "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
                    .split(":")) {
                if (!suite.startsWith("TLS_") && handshakes(connect, "-tls1_2", "-cipher", suite + ":@SECLEVEL=0")) {
                    tls12.add(suite.strip());
                }
            }
            Set<String> tls13 = new TreeSet<>();
            for (String suite : List.of(
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_AES_128_CCM_SHA256",
                    "TLS_AES_128_CCM_8_SHA256")) {
                if (handshakes(connect, "-tls1_3", "-ciphersuites", suite)) {
                    tls13.add(suite);
                }
            }
            assertEquals(new TreeSet<>(TLS12), tls12, engine + ", TLS 1.2");
            assertEquals(new TreeSet<>(TLS13), tls13, engine + ", TLS 1.3");
        }
    }

    private static boolean handshakes(String connect, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("s_client", "-connect", connect, "-servername", "localhost"));
        command.addAll(List.of(options));
        return run(command).exitCode() == 0;
    }

    private static String openssl(String... arguments) throws Exception {
        Openssl.Result result = run(List.of(arguments));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    private static Openssl.Result run(List<String> arguments) throws InterruptedException {
        return Openssl.run(Path.of("."), arguments);
    }
}
