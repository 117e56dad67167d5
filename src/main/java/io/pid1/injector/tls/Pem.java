package io.pid1.injector.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468) of certificates and private keys, read and written with the JDK. Only the
 * traditional key formats ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}), which the JDK cannot read,
 * go to BouncyCastle ({@link TraditionalKey}). Reusing the self-signed files at every start therefore
 * loads no BouncyCastle class: its jars are signed, and verifying them took a fifth of a second of each start.
 */
final class Pem {

    /** The first block, its label and its content; text before it is ignored. */
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private static final Base64.Encoder LINES = Base64.getMimeEncoder(64, new byte[] {'\n'});
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PKCS8 = "PRIVATE KEY";
    /** The key types {@link TlsCheck} can check, tried in this order on a PKCS#8 key. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA");

    private Pem() {}

    /** The certificate as a {@code CERTIFICATE} PEM block. */
    static String encode(X509Certificate certificate) {
        try {
            return block(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
    }

    /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block. */
    static String encode(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalStateException("cannot encode a private key in format " + key.getFormat());
        }
        return block(PKCS8, key.getEncoded());
    }

    /** The first certificate in a PEM file. */
    static X509Certificate readCertificate(Path file) throws IOException {
        String text = read(file);
        Matcher block = firstBlock(file, text);
        if (!block.group(1).equals(CERTIFICATE)) {
            throw new IOException(file.getFileName() + ": no PEM certificate");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(decode(file, block)));
        } catch (CertificateException e) {
            throw new IOException(file.getFileName() + ": unreadable certificate: " + e.getMessage(), e);
        }
    }

    /** The private key in a PEM file, PKCS#8 ({@code PRIVATE KEY}) or traditional ({@code EC PRIVATE KEY}). */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        return readPrivateKey(file, read(file));
    }

    /** The private key in {@code text}, the content of {@code file}. */
    static PrivateKey readPrivateKey(Path file, String text) throws IOException {
        Matcher block = firstBlock(file, text);
        String label = block.group(1);
        if (label.equals("EC PRIVATE KEY") || label.equals("RSA PRIVATE KEY")) {
            return TraditionalKey.read(file, text);
        }
        if (!label.equals(PKCS8)) {
            throw new IOException(file.getFileName() + ": no unencrypted PEM private key");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode(file, block));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                continue;
            }
        }
        throw new IOException(
                file.getFileName() + ": malformed PEM: not an " + String.join(" or ", KEY_ALGORITHMS) + " PKCS#8 key");
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + LINES.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException(file.getFileName() + ": missing", e);
        }
    }

    private static Matcher firstBlock(Path file, String text) throws IOException {
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new IOException(file.getFileName() + ": malformed PEM: no BEGIN/END block");
        }
        return block;
    }

    private static byte[] decode(Path file, Matcher block) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IOException(file.getFileName() + ": malformed PEM: " + e.getMessage(), e);
        }
    }
}
