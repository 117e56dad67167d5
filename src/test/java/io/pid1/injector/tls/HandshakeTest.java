package io.pid1.injector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real TLS handshake on loopback: JDK server with tls.crt/tls.key, JDK client trusting ca.crt only. */
class HandshakeTest {

    private static final char[] PASSWORD = "unused".toCharArray();
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private SSLServerSocket server;
    private Future<?> serving;

    @BeforeEach
    void startServer() throws Exception {
        Certificates.create("web", "ns").writeTo(dir);
        TlsMaterial files = TlsMaterial.readFrom(dir);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("tls", files.key(), PASSWORD, new Certificate[] {files.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout(TIMEOUT_MS);
        serving = executor.submit(() -> {
            try (Socket client = server.accept()) {
                client.setSoTimeout(TIMEOUT_MS);
                client.getOutputStream().write('!');
                client.getOutputStream().flush();
            }
            return null;
        });
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        executor.shutdownNow();
        executor.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void clientTrustingOnlyTheCaConnectsAndVerifiesTheHostName(String host) throws Exception {
        try (SSLSocket socket = connect(TlsMaterial.readFrom(dir).ca(), host)) {
            socket.startHandshake();
            assertEquals('!', socket.getInputStream().read());
            X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertEquals("CN=web.ns.svc", peer.getSubjectX500Principal().getName());
        }
        serving.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Test
    void clientTrustingAnotherCaFails() throws Exception {
        X509Certificate otherCa = Certificates.create("web", "ns").ca();
        try (SSLSocket socket = connect(otherCa, "localhost")) {
            assertThrows(SSLHandshakeException.class, socket::startHandshake);
        }
    }

    @Test
    void clientAskingForANameNotInTheCertificateFails() throws Exception {
        try (SSLSocket socket = connect(TlsMaterial.readFrom(dir).ca(), "web.other.svc")) {
            assertThrows(SSLHandshakeException.class, socket::startHandshake);
        }
    }

    /** A client socket to the server that trusts {@code ca} only and checks the server is {@code host}. */
    private SSLSocket connect(X509Certificate ca, String host) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);

        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            SSLSocket socket =
                    (SSLSocket) context.getSocketFactory().createSocket(plain, host, server.getLocalPort(), true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }
}
