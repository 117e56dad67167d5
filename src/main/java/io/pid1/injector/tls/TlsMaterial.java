package io.pid1.injector.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A CA certificate, the serving certificate it signed and the serving key: what the webhook's HTTPS
 * port needs, and what the API server needs to trust it.
 *
 * @param ca          the self-signed CA certificate
 * @param certificate the serving (leaf) certificate, signed by {@code ca}
 * @param key         the private key of {@code certificate}
 */
public record TlsMaterial(X509Certificate ca, X509Certificate certificate, PrivateKey key) {

    /** File name of the CA certificate. */
    public static final String CA_FILE = "ca.crt";
    /** File name of the serving certificate (the leaf only; clients trust the CA). */
    public static final String CERT_FILE = "tls.crt";
    /** File name of the serving key, PKCS#8 PEM. */
    public static final String KEY_FILE = "tls.key";

    private static final String PUBLIC = "rw-r--r--";
    private static final String PRIVATE = "rw-------";

    /** Checks that no part is missing. */
    public TlsMaterial {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** Reads {@value #CA_FILE}, {@value #CERT_FILE} and {@value #KEY_FILE} from {@code dir}, without checking them. */
    public static TlsMaterial readFrom(Path dir) throws IOException {
        return new TlsMaterial(
                Pem.readCertificate(dir.resolve(CA_FILE)),
                Pem.readCertificate(dir.resolve(CERT_FILE)),
                Pem.readPrivateKey(dir.resolve(KEY_FILE)));
    }

    /** The CA certificate as PEM. */
    public String caPem() {
        return Pem.encode(ca);
    }

    /** The serving certificate as PEM. */
    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** The serving key as PKCS#8 PEM. */
    public String keyPem() {
        return Pem.encode(key);
    }

    /** Base64 of the CA PEM: the value of a webhook configuration's {@code clientConfig.caBundle}. */
    public String caBundle() {
        return Base64.getEncoder().encodeToString(caPem().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Writes the three files into {@code dir}, creating it when needed. Each file is written to a
     * temporary file in the same directory and then renamed over the old one, so a reader never sees
     * half a file; the key is readable by its owner only where the file system has POSIX permissions.
     * The key is renamed into place before the certificate, so a server that reloads when
     * {@value #CERT_FILE} changes finds the matching key already there.
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Path> staged = new LinkedHashMap<>();
        try {
            staged.put(CA_FILE, stage(dir, caPem(), PUBLIC));
            staged.put(KEY_FILE, stage(dir, keyPem(), PRIVATE));
            staged.put(CERT_FILE, stage(dir, certificatePem(), PUBLIC));
            for (Map.Entry<String, Path> file : staged.entrySet()) {
                Files.move(
                        file.getValue(),
                        dir.resolve(file.getKey()),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (Path leftover : staged.values()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    private static Path stage(Path dir, String content, String permissions) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(
                        dir,
                        ".tls-",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE)))
                : Files.createTempFile(dir, ".tls-", ".tmp");
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        if (posix) {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
        }
        return temp;
    }
}
