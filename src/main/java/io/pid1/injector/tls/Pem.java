package io.pid1.injector.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text of certificates and private keys, read and written with BouncyCastle. */
final class Pem {

    private Pem() {
    }

    /** The certificate as a {@code CERTIFICATE} PEM block. */
    static String encode(X509Certificate certificate) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
        return text.toString();
    }

    /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block. */
    static String encode(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
        return text.toString();
    }

    /** The first certificate in a PEM file. */
    static X509Certificate readCertificate(Path file) throws IOException {
        Object first = readFirst(file);
        if (!(first instanceof X509CertificateHolder holder)) {
            throw new IOException(file.getFileName() + ": no PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file.getFileName() + ": unreadable certificate: " + e.getMessage(), e);
        }
    }

    /** The private key in a PEM file, PKCS#8 ({@code PRIVATE KEY}) or traditional ({@code EC PRIVATE KEY}). */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        Object first = readFirst(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (first instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        if (first instanceof PEMKeyPair pair) {
            return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        throw new IOException(file.getFileName() + ": no unencrypted PEM private key");
    }

    private static Object readFirst(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
             PEMParser parser = new PEMParser(reader)) {
            return parser.readObject();
        } catch (NoSuchFileException e) {
            throw new IOException(file.getFileName() + ": missing", e);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file.getFileName() + ": malformed PEM: " + e.getMessage(), e);
        }
    }
}
