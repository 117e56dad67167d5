package io.pid1.injector.cli;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs}: a CA and serving certificate for the in-cluster Service, and the caBundle. */
@Command(
        name = "certs",
        mixinStandardHelpOptions = true,
        description = "Write ca.crt, tls.crt and tls.key for the webhook Service and print the caBundle.")
final class CertsCommand implements Callable<Integer> {

    @Option(names = "--service", required = true, description = "The webhook's Service name.")
    String service;

    @Option(names = "--namespace", required = true, description = "The webhook's namespace.")
    String namespace;

    @Option(names = "--out", required = true, description = "Directory for the PEM files.")
    Path out;

    @Option(names = "--days", defaultValue = "365", description = "Validity of the serving certificate in days.")
    int days;

    @Override
    public Integer call() throws Exception {
        if (days <= 0) {
            System.err.println("pid1-injector: --days must be positive");
            return Main.USAGE;
        }
        TlsMaterial tls = Certificates.create(service, namespace, Duration.ofDays(days));
        tls.writeTo(out);
        System.err.println("pid1-injector: wrote " + TlsMaterial.CA_FILE + ", " + TlsMaterial.CERT_FILE + ", "
                + TlsMaterial.KEY_FILE + " to " + out);
        System.out.println("caBundle: " + tls.caBundle());
        return 0;
    }
}
