package io.pid1.injector.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Clients that make a new TLS connection each time, as kube-apiserver does after a connection closes, while the
 * serving files are rotated atomically several times, and once with the certificate written before its key: no
 * handshake may fail, and a certificate without its key is never served. Most handshakes come from
 * {@code openssl s_time -new} (a full handshake per connection; it stops with exit 1 at the first one that
 * fails), one JDK client watches which certificate is served.
 */
@QuarkusTest
@WithTestResource(TlsFiles.class)
@TestProfile(TlsReloadTest.FastReload.class)
class RotationUnderLoadTest {

    private static final int HANDSHAKES = 50_000;
    private static final int ROTATIONS = 5;
    private static final int OPENSSL_CLIENTS = 2;
    private static final Pattern CONNECTIONS = Pattern.compile("(\\d+) connections in [0-9.]+ real seconds");
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @TestHTTPResource(value = "/", tls = true)
    URI base;

    @Test
    void fiftyThousandHandshakesAcrossRotationsAllSucceed() throws Exception {
        List<TlsMaterial> materials = new ArrayList<>(List.of(TlsMaterial.readFrom(TlsFiles.dir)));
        for (int i = 0; i <= ROTATIONS; i++) {
            materials.add(Certificates.create("pid1-injector", "pid1-system"));
        }
        SSLContext client = WebhookClient.trusting(materials.toArray(TlsMaterial[]::new));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicReference<X509Certificate> lastSeen = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        clients.add(new Thread(() -> {
            while (running.get()) {
                try {
                    lastSeen.set(handshake(client));
                    ok.incrementAndGet();
                } catch (IOException e) {
                    failures.computeIfAbsent(String.valueOf(e), k -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
        }));
        for (int c = 0; c < OPENSSL_CLIENTS; c++) {
            clients.add(new Thread(() -> {
                while (running.get()) {
                    String outcome = sTime(5);
                    Matcher count = CONNECTIONS.matcher(outcome);
                    if (count.find()) {
                        ok.addAndGet(Integer.parseInt(count.group(1)));
                    } else {
                        failures.computeIfAbsent(outcome, k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }
            }));
        }
        clients.forEach(Thread::start);
        Instant deadline = Instant.now().plus(DEADLINE);
        try {
            TlsMaterial certificateFirst = materials.get(1);
            Files.writeString(TlsFiles.dir.resolve("new.crt"), certificateFirst.certificatePem());
            Files.move(
                    TlsFiles.dir.resolve("new.crt"),
                    TlsFiles.dir.resolve(TlsMaterial.CERT_FILE),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(3_000);
            assertEquals(
                    materials.get(0).certificate(),
                    handshake(client),
                    "a certificate was served before its key was there");
            for (int i = 1; i < materials.size(); i++) {
                materials.get(i).writeTo(TlsFiles.dir);
                X509Certificate expected = materials.get(i).certificate();
                while (!expected.equals(lastSeen.get()) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                assertEquals(expected, lastSeen.get(), "rotation " + i + " was not served in time");
            }
            while (ok.get() < HANDSHAKES && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
        } finally {
            running.set(false);
            for (Thread thread : clients) {
                thread.join();
            }
        }
        System.out.printf(
                "%d handshakes across %d rotations, %d failed%n",
                ok.get(),
                materials.size() - 1,
                failures.values().stream().mapToInt(AtomicInteger::get).sum());
        assertEquals(Map.of(), Map.copyOf(failures), "failed handshakes; " + ok.get() + " succeeded");
        assertTrue(ok.get() >= HANDSHAKES, "only " + ok.get() + " handshakes before the deadline");
    }

    /** Full handshakes for {@code seconds}: s_time's summary, or what it said when one failed. */
    private String sTime(int seconds) {
        try {
            Process process = new ProcessBuilder(
                            "openssl",
                            "s_time",
                            "-connect",
                            "127.0.0.1:" + base.getPort(),
                            "-new",
                            "-time",
                            String.valueOf(seconds))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : "s_time exit " + process.exitValue() + ": " + output.strip();
        } catch (IOException e) {
            return "s_time: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** One full handshake on a new connection; the session is not kept, so nothing is resumed. */
    private X509Certificate handshake(SSLContext client) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            socket.getSession().invalidate();
            return leaf;
        }
    }
}
