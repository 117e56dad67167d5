package io.pid1.injector.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * Trusts the client certificates that the CAs of one PEM file signed (the JDK's PKIX trust manager checks the
 * chain, dates and the {@code clientAuth} usage); the file is re-read by {@link #check}, and a file that cannot
 * be used leaves the previous CAs in place with one error line. Used by both TLS engines at each handshake.
 */
public final class ClientCaTrust extends X509ExtendedTrustManager {

    private static final Logger LOG = Logger.getLogger("pid1.tls");

    private final Path file;
    private final AtomicReference<X509ExtendedTrustManager> current = new AtomicReference<>();
    private byte[] loaded;
    private byte[] rejected;

    private ClientCaTrust(Path file) {
        this.file = file;
    }

    /**
     * Reads the CAs in {@code file}.
     *
     * @throws TlsFileException when the file is unreadable or holds no certificate; the server does not start
     */
    public static ClientCaTrust load(Path file) throws TlsFileException {
        ClientCaTrust trust = new ClientCaTrust(file);
        byte[] content = trust.read();
        trust.current.set(trust.trustManager(content));
        trust.loaded = content;
        return trust;
    }

    /** Trusts the file's CAs from now on if it changed and can be used; called periodically, on one thread. */
    public synchronized void check() {
        byte[] content;
        try {
            content = read();
            if (Arrays.equals(content, loaded)) {
                return;
            }
            current.set(trustManager(content));
            loaded = content;
            rejected = null;
            LOG.info("pid1: now trusting the client CAs of " + file);
        } catch (TlsFileException e) {
            byte[] problem = e.getMessage().getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(problem, rejected)) {
                rejected = problem;
                LOG.error("pid1: client CA file not used (" + e.getMessage() + "); still trusting the previous CAs");
            }
        }
    }

    private byte[] read() throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException(file.getFileName() + ": " + e);
        }
    }

    private X509ExtendedTrustManager trustManager(byte[] pem) throws TlsFileException {
        try {
            List<X509Certificate> cas =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).stream()
                            .map(X509Certificate.class::cast)
                            .toList();
            if (cas.isEmpty()) {
                throw new TlsFileException(file.getFileName() + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException(file.getFileName() + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        current.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        current.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current.get().checkClientTrusted(chain, authType);
    }

    /** The webhook is never a TLS client of this trust. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return current.get().getAcceptedIssuers();
    }
}
