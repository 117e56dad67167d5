package io.pid1.injector.cli;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code serve}: runs the webhook until it is stopped. With no TLS files configured it makes (or
 * reuses) a self-signed CA and serving certificate in {@code PID1_TLS_DIR} and says where.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the admission webhook (the default).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--service", defaultValue = "pid1-injector", description = "Service name for the certificate's SANs.")
    String service;

    @Option(names = "--namespace", defaultValue = "pid1-system", description = "Namespace for the certificate's SANs.")
    String namespace;

    @Override
    public Integer call() throws Exception {
        Optional<String> cert = Setting.of("pid1.tls.cert-file", "PID1_TLS_CERT_FILE");
        Optional<String> key = Setting.of("pid1.tls.key-file", "PID1_TLS_KEY_FILE");
        if (cert.isPresent() != key.isPresent()) {
            System.err.println("pid1-injector: set both PID1_TLS_CERT_FILE and PID1_TLS_KEY_FILE, or neither");
            return Main.USAGE;
        }
        if (cert.isEmpty()) {
            Path dir = Path.of(Setting.of("pid1.tls.dir", "PID1_TLS_DIR").orElse("pid1-tls")).toAbsolutePath();
            Certificates.Ensured tls = Certificates.ensure(dir, service, namespace);
            System.err.printf("pid1-injector: %s self-signed TLS in %s (%s)%n", tls.created() ? "created" : "reusing",
                    dir, tls.reason());
            System.err.println("pid1-injector: CA " + dir.resolve(TlsMaterial.CA_FILE) + "; caBundle: "
                    + tls.material().caBundle());
            System.setProperty("pid1.tls.cert-file", dir.resolve(TlsMaterial.CERT_FILE).toString());
            System.setProperty("pid1.tls.key-file", dir.resolve(TlsMaterial.KEY_FILE).toString());
        }
        // SIGTERM is the normal way a pod is stopped: drain gracefully, then exit 0 (not the JVM's 143).
        Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        Quarkus.run();
        return 0;
    }
}
