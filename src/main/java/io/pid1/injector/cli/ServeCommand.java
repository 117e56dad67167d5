package io.pid1.injector.cli;

import io.pid1.injector.server.BootWarmUp;
import io.pid1.injector.server.EarlyTlsFiles;
import io.pid1.injector.server.GracefulStop;
import io.pid1.injector.text.OneLine;
import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import io.pid1.injector.tls.auto.AutoTls;
import io.pid1.injector.tls.auto.AutoTlsException;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import io.pid1.injector.webhook.WebhookConfig;
import io.quarkus.runtime.Quarkus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code serve}: runs the webhook until it is stopped. With no TLS files configured it makes (or
 * reuses) a self-signed CA and serving certificate in {@code PID1_TLS_DIR} and says where. With
 * {@code PID1_TLS_AUTO=true} it takes them from a Secret its replicas share and writes the CA into
 * the MutatingWebhookConfiguration (see {@link AutoTls}); when the API server cannot be reached or
 * refuses, it exits 2 after one line, so that the pod's restarts show the problem. The Deployment's form, a
 * bare {@code serve}, runs without picocli's model ({@link #withDefaults()}): building it for the five
 * commands took 150 ms of the main thread's CPU at every start (bench/README.md, "The webhook in the image").
 */
@Command(
        name = ServeCommand.NAME,
        mixinStandardHelpOptions = true,
        description = "Run the admission webhook (the default).")
final class ServeCommand implements Callable<Integer> {

    static final String NAME = "serve";
    private static final String DEFAULT_SERVICE = "pid1-injector";
    private static final String DEFAULT_NAMESPACE = "pid1-system";

    /** The JDK's property for the PBKDF2 rounds that protect a key put into a PKCS#12 key store. */
    static final String KEY_PBE_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

    @Option(
            names = "--service",
            defaultValue = DEFAULT_SERVICE,
            description = "Service name for the certificate's SANs.")
    String service;

    @Option(
            names = "--namespace",
            defaultValue = DEFAULT_NAMESPACE,
            description = "Namespace for the certificate's SANs.")
    String namespace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return run(spec.commandLine().getErr());
    }

    /**
     * {@code serve} with the default Service and namespace, as picocli would run it, failures included: one line on
     * stderr and {@link Main#USAGE}.
     */
    static int withDefaults() {
        ServeCommand serve = new ServeCommand();
        serve.service = DEFAULT_SERVICE;
        serve.namespace = DEFAULT_NAMESPACE;
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return serve.run(err);
        } catch (Exception e) {
            err.println("pid1-injector: " + OneLine.of(e));
            return Main.USAGE;
        }
    }

    private int run(PrintWriter err) throws IOException {
        BootWarmUp.start();
        WebhookConfig.Tls tls = WebhookConfig.fromEnvironment().tls();
        Optional<String> cert = tls.certFile();
        Optional<String> key = tls.keyFile();
        boolean auto = tls.auto();
        if (cert.isPresent() != key.isPresent()) {
            err.println("pid1-injector: set both PID1_TLS_CERT_FILE and PID1_TLS_KEY_FILE, or neither");
            return Main.USAGE;
        }
        if (auto && cert.isPresent()) {
            err.println(
                    "pid1-injector: PID1_TLS_AUTO=true makes its own certificate: unset PID1_TLS_CERT_FILE and PID1_TLS_KEY_FILE");
            return Main.USAGE;
        }
        inMemoryKeyStoresUnsealed();
        Runnable beforeServing = () -> {};
        if (cert.isEmpty()) {
            Path dir = Path.of(tls.dir()).toAbsolutePath();
            if (auto) {
                try {
                    selfManaged(dir, err);
                } catch (AutoTlsException e) {
                    err.println("pid1-injector: self-managed TLS failed: " + e.getMessage());
                    return Main.USAGE;
                }
            } else if (readable(dir)) {
                beforeServing = () -> selfSignedOrUnchecked(dir, err);
            } else {
                selfSigned(dir, err);
            }
            cert = Optional.of(dir.resolve(TlsMaterial.CERT_FILE).toString());
            key = Optional.of(dir.resolve(TlsMaterial.KEY_FILE).toString());
            System.setProperty("pid1.tls.cert-file", cert.get());
            System.setProperty("pid1.tls.key-file", key.get());
        }
        EarlyTlsFiles.start(
                Path.of(cert.get()), Path.of(key.get()), tls.clientCaFile().map(Path::of), beforeServing);
        // SIGTERM is the normal way a pod is stopped: drain gracefully, then exit 0 (not the JVM's 143).
        Signal.handle(new Signal("TERM"), signal -> GracefulStop.onSigterm());
        Quarkus.run();
        return 0;
    }

    /**
     * Vert.x copies the PEM key into an in-memory PKCS#12 key store, which the JDK seals with 10,000 PBKDF2
     * rounds at each start and reload (its cost: bench/README.md, "Hot spots"). No key store is written to disk,
     * so one round protects as much (docs/security.md); a value the operator set with {@code -D} is kept.
     */
    static void inMemoryKeyStoresUnsealed() {
        if (System.getProperty(KEY_PBE_ITERATIONS) == null) {
            System.setProperty(KEY_PBE_ITERATIONS, "1");
        }
    }

    /**
     * Whether the three files in {@code dir} parse. Only then are they checked (and replaced if they cannot be
     * reused) beside Quarkus's boot, by {@link EarlyTlsFiles}: the TLS registry reads them while it boots, and stops
     * the start on a file it cannot parse. Checking them on the main thread took 100 ms of its CPU (the JVM's first
     * elliptic-curve signature; bench/README.md, "The webhook in the image").
     */
    private static boolean readable(Path dir) {
        try {
            TlsMaterial.readFrom(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void selfSignedOrUnchecked(Path dir, PrintWriter err) {
        try {
            selfSigned(dir, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void selfSigned(Path dir, PrintWriter err) throws IOException {
        Certificates.Ensured tls = Certificates.ensure(dir, service, namespace);
        err.printf(
                "pid1-injector: %s self-signed TLS in %s (%s)%n",
                tls.created() ? "created" : "reusing", dir, tls.reason());
        err.println("pid1-injector: CA " + dir.resolve(TlsMaterial.CA_FILE) + "; caBundle: "
                + tls.material().caBundle());
    }

    private void selfManaged(Path dir, PrintWriter err) {
        WebhookConfig config = WebhookConfig.fromEnvironment();
        AutoTlsTarget target = new AutoTlsTarget(
                config.namespace()
                        .or(() -> AutoTlsTarget.namespaceIn(AutoTlsTarget.NAMESPACE_FILE))
                        .orElse(namespace),
                service,
                config.tls().autoSecret(),
                config.tls().autoWebhook());
        AutoTls.Outcome outcome = AutoTls.start(target, dir);
        err.printf(
                "pid1-injector: self-managed TLS in %s: %s Secret %s/%s (%s); caBundle %s%n",
                dir,
                outcome.secret(),
                target.namespace(),
                target.secret(),
                outcome.reason(),
                outcome.patched().isEmpty()
                        ? "already trusts the CA"
                        : "set on " + String.join(", ", outcome.patched()));
    }
}
