package io.pid1.injector.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: POSTs a body at a fixed rate over HTTPS (HTTP/2 or HTTP/1.1) and
 * prints latency percentiles. Each latency is measured from the moment the request was due, not
 * from when it was sent, so a stalled server cannot hide its queue (no coordinated omission).
 *
 * <p>Requests go round-robin over {@code CONNECTIONS} clients (8 by default), each with its own
 * connection, as kube-apiserver spreads its calls over a few connections.
 *
 * <p>Usage: {@code FixedRateLoad URL CA_PEM BODY_FILE RATE SECONDS [h2|h1] [CONNECTIONS]}. Prints one line:
 * {@code rate=… sent=… ok=… failed=… p50_ms=… p99_ms=… p999_ms=… max_ms=…}.
 */
public final class FixedRateLoad {

    private FixedRateLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        SSLContext tls = trusting(Path.of(args[1]));
        byte[] body = Files.readAllBytes(Path.of(args[2]));
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        HttpClient.Version version = args.length > 5 && args[5].equals("h1") ? HttpClient.Version.HTTP_1_1
                : HttpClient.Version.HTTP_2;
        HttpClient[] clients = new HttpClient[args.length > 6 ? Integer.parseInt(args[6]) : 8];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = HttpClient.newBuilder().version(version).sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        warmUp(clients, request, rate);
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            clients[i % clients.length].sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - due;
                if (error != null || response.statusCode() != 200) {
                    failed.incrementAndGet();
                }
                done.countDown();
            });
        }
        boolean finished = done.await(30, TimeUnit.SECONDS);
        Arrays.sort(latencies);
        System.out.printf("rate=%d seconds=%d sent=%d ok=%d failed=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%s%n",
                rate, seconds, total, total - failed.get() - (int) done.getCount(), failed.get(),
                ms(latencies, 0.50), ms(latencies, 0.99), ms(latencies, 0.999), latencies[total - 1] / 1e6,
                finished ? "" : " unfinished=" + done.getCount());
    }

    /** One second at the target rate, not measured: connections open, both JITs warm. */
    private static void warmUp(HttpClient[] clients, HttpRequest request, int rate) {
        CompletableFuture<?>[] warming = new CompletableFuture<?>[rate];
        for (int i = 0; i < rate; i++) {
            warming[i] = clients[i % clients.length].sendAsync(request, HttpResponse.BodyHandlers.discarding());
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1) / rate);
        }
        CompletableFuture.allOf(warming).handle((ok, error) -> null).join();
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
