package io.pid1.injector.server;

import io.pid1.injector.tls.ClientCaTrust;
import io.pid1.injector.tls.ServingFiles;
import io.pid1.injector.tls.TlsFileException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The serving pair and the client CAs, read and checked on a thread of their own while Quarkus boots, once
 * {@code serve} knows the files ({@link #start}); {@link ServingTls} takes them when it configures the HTTPS port,
 * so a pair that must not be served still stops the start there, with the same error. On the main thread the
 * reading and the key check (the JVM's first elliptic-curve signature) took 40 ms and 55 ms of CPU before the
 * port could open (bench/README.md, "The webhook in the image"). Without {@link #start} (tests that boot Quarkus
 * alone), or for other files, {@link #take} reads them itself.
 */
public final class EarlyTlsFiles {

    /** What {@link ServingTls} serves with. */
    record Loaded(ServingFiles files, Optional<ClientCaTrust> clients) {}

    private record Files(Path certificate, Path key, Optional<Path> clientCas) {}

    private record Pending(Files files, CompletableFuture<Loaded> loaded) {}

    private static volatile Pending pending;

    private EarlyTlsFiles() {}

    /** Starts reading and checking the files on a daemon thread; returns at once. */
    public static void start(Path certificate, Path key, Optional<Path> clientCas) {
        start(certificate, key, clientCas, () -> {});
    }

    /**
     * As {@link #start(Path, Path, Optional)}, running {@code first} on that thread before (it may write the files);
     * an {@link UncheckedIOException} from it stops the start when the HTTPS port is configured, with its message.
     */
    public static void start(Path certificate, Path key, Optional<Path> clientCas, Runnable first) {
        Files files = new Files(certificate, key, clientCas);
        CompletableFuture<Loaded> loaded = new CompletableFuture<>();
        pending = new Pending(files, loaded);
        Thread thread = new Thread(
                () -> {
                    try {
                        first.run();
                        loaded.complete(load(files));
                    } catch (TlsFileException | RuntimeException e) {
                        loaded.completeExceptionally(e);
                    }
                },
                "pid1-tls-files");
        thread.setDaemon(true);
        thread.start();
    }

    /** The files read by {@link #start} when it was given these, else read now. */
    static Loaded take(Path certificate, Path key, Optional<Path> clientCas) throws TlsFileException {
        Files files = new Files(certificate, key, clientCas);
        Pending started = pending;
        if (started == null || !started.files().equals(files)) {
            return load(files);
        }
        pending = null;
        try {
            return started.loaded().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TlsFileException bad) {
                throw bad;
            }
            if (e.getCause() instanceof UncheckedIOException unwritable) {
                throw new IllegalStateException("pid1: " + unwritable.getCause().getMessage(), unwritable);
            }
            throw e;
        }
    }

    private static Loaded load(Files files) throws TlsFileException {
        ServingFiles serving = ServingFiles.load(files.certificate(), files.key(), Instant.now());
        Optional<ClientCaTrust> clients = files.clientCas().isPresent()
                ? Optional.of(ClientCaTrust.load(files.clientCas().get()))
                : Optional.empty();
        return new Loaded(serving, clients);
    }
}
