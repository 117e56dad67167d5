package io.pid1.injector.server;

import io.pid1.injector.catalog.Catalog;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * What the first review needs and Quarkus does not, begun on a thread of its own before Quarkus boots, so that it
 * overlaps the boot rather than the first review: the built-in catalog (read once per JVM), the JDK's default TLS
 * context with its trusted CAs (the registry client's) and netty-tcnative's BoringSSL library. {@link Warmup}
 * made the first two after the boot, 180 ms of CPU while the first review waited (bench/README.md, "The webhook
 * in the image"). Each step is repeated where it is used, so a failure here only logs.
 */
public final class BootWarmUp {

    private BootWarmUp() {}

    /** Starts the work on a daemon thread and returns at once. */
    public static void start() {
        Thread thread = new Thread(BootWarmUp::run, "pid1-boot-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    static void run() {
        try {
            Catalog.builtin();
            SSLContext.getDefault();
            OpenSSLEngineOptions.isAvailable();
        } catch (RuntimeException | NoSuchAlgorithmException e) {
            // Not a static logger: making the first one sets up logging, which Quarkus does on its own thread anyway.
            Logger.getLogger(BootWarmUp.class).debug("boot warm-up stopped; its steps run again where used", e);
        }
    }
}
