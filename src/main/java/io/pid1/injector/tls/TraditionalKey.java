package io.pid1.injector.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads the traditional (OpenSSL) private key formats, {@code EC PRIVATE KEY} and {@code RSA PRIVATE KEY}, with BouncyCastle. */
final class TraditionalKey {

    private TraditionalKey() {}

    /** The key of the first PEM block of {@code text}, read from {@code file}. */
    static PrivateKey read(Path file, String text) throws IOException {
        Object first;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            first = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file.getFileName() + ": malformed PEM: " + e.getMessage(), e);
        }
        if (!(first instanceof PEMKeyPair pair)) {
            throw new IOException(file.getFileName() + ": no unencrypted PEM private key");
        }
        return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
    }
}
