package io.pid1.injector.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate chain (leaf first) and the leaf's private key, checked to belong together: what the
 * webhook's HTTPS port serves.
 *
 * @param chain the certificates of the certificate file, leaf first
 * @param key   the leaf's private key
 */
public record ServingPair(List<X509Certificate> chain, PrivateKey key) {

    /** Copies the chain. */
    public ServingPair {
        chain = List.copyOf(chain);
    }

    /**
     * Reads and checks the content of a PEM certificate file (the leaf, then any intermediates) and of its PEM key
     * file, {@code keyFile}.
     *
     * @throws TlsFileException when a file is unreadable, the key is not the leaf's, a certificate is outside
     *                              its validity at {@code now}, or one is not signed by the next
     */
    public static ServingPair read(byte[] certificatePem, Path keyFile, byte[] keyPem, Instant now)
            throws TlsFileException {
        List<X509Certificate> chain = certificates(certificatePem);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(keyFile, new String(keyPem, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new TlsFileException(e.getMessage());
        }
        var mismatch = TlsCheck.keyMismatch(chain.get(0), key);
        if (mismatch.isPresent()) {
            throw new TlsFileException(mismatch.get());
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            try {
                certificate.checkValidity(Date.from(now));
                if (i + 1 < chain.size()) {
                    certificate.verify(chain.get(i + 1).getPublicKey());
                }
            } catch (GeneralSecurityException e) {
                throw new TlsFileException("certificate " + (i + 1) + " of " + TlsMaterial.CERT_FILE + " ("
                        + certificate.getSubjectX500Principal().getName() + "): " + e.getMessage());
            }
        }
        return new ServingPair(chain, key);
    }

    /** The leaf's subject, end and the start of its SHA-256 fingerprint, for a log line. */
    public String describe() {
        X509Certificate leaf = chain.get(0);
        String fingerprint;
        try {
            fingerprint = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
        return leaf.getSubjectX500Principal().getName() + " until "
                + leaf.getNotAfter().toInstant() + " (SHA-256 " + fingerprint.substring(0, 16) + "…)";
    }

    /** Every certificate of a PEM file, with the JDK's own PEM reader. */
    private static List<X509Certificate> certificates(byte[] pem) throws TlsFileException {
        try {
            List<X509Certificate> chain =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).stream()
                            .map(X509Certificate.class::cast)
                            .toList();
            if (chain.isEmpty()) {
                throw new TlsFileException(TlsMaterial.CERT_FILE + " holds no certificate");
            }
            return chain;
        } catch (CertificateException e) {
            throw new TlsFileException(TlsMaterial.CERT_FILE + " is not a PEM certificate: " + e.getMessage());
        }
    }
}
