package io.pid1.injector.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * The serving certificate and key files, re-read by {@link #check}: a new pair is served only once the key
 * belongs to the certificate and the chain is valid; until then the old pair stays, with one error line per
 * new bad pair. Files that did not change are not parsed again and log nothing. The Quarkus TLS registry's
 * {@code reload-period} was considered: it serves whatever it reads (a certificate without its key broke every
 * handshake) and rebuilds the server's SSL context at each period, which resets connections.
 */
public final class ServingFiles {

    private static final Logger LOG = Logger.getLogger("pid1.tls");

    private final Path certificateFile;
    private final Path keyFile;
    private final ServingKeyManager keys;
    private byte[][] served;
    private byte[][] rejected;

    private ServingFiles(Path certificateFile, Path keyFile, byte[][] served, ServingPair pair) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.served = served;
        this.keys = new ServingKeyManager(pair);
    }

    /**
     * Reads the pair to serve first.
     *
     * @throws TlsFileException when it must not be served; the server does not start
     */
    public static ServingFiles load(Path certificateFile, Path keyFile, Instant now) throws TlsFileException {
        byte[][] content = read(certificateFile, keyFile);
        ServingPair pair = ServingPair.read(content[0], keyFile, content[1], now);
        return new ServingFiles(certificateFile, keyFile, content, pair);
    }

    /** What the HTTPS port serves: asked at each handshake. */
    public ServingKeyManager keyManager() {
        return keys;
    }

    /** Serves the files' pair from now on if they changed and are valid; called periodically, on one thread. */
    public synchronized void check(Instant now) {
        byte[][] content;
        try {
            content = read(certificateFile, keyFile);
        } catch (TlsFileException e) {
            rejectOnce(new byte[][] {e.getMessage().getBytes(StandardCharsets.UTF_8)}, e);
            return;
        }
        if (Arrays.deepEquals(content, served)) {
            return;
        }
        try {
            ServingPair pair = ServingPair.read(content[0], keyFile, content[1], now);
            keys.use(pair);
            served = content;
            rejected = null;
            LOG.info("pid1: now serving the new certificate " + pair.describe());
        } catch (TlsFileException e) {
            rejectOnce(content, e);
        }
    }

    private void rejectOnce(byte[][] content, TlsFileException e) {
        if (!Arrays.deepEquals(content, rejected)) {
            rejected = content;
            LOG.error("pid1: new TLS files not used (" + e.getMessage() + "); still serving "
                    + keys.serving().describe());
        }
    }

    private static byte[][] read(Path certificateFile, Path keyFile) throws TlsFileException {
        return new byte[][] {bytes(certificateFile), bytes(keyFile)};
    }

    private static byte[] bytes(Path file) throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file.getFileName() + ": missing");
        } catch (IOException e) {
            throw new TlsFileException(file.getFileName() + ": " + e.getMessage());
        }
    }
}
