package io.pid1.injector.cli;

import io.pid1.injector.core.EngineSettings;
import io.pid1.injector.text.OneLine;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one runnable: {@code pid1-injector [serve|certs|…]}. Subcommands that work offline run as
 * plain Java; only {@code serve} boots Quarkus, after its TLS material is in place. The production forms,
 * a bare {@code shim} and a bare {@code serve} (or no argument), start without picocli (see {@link ShimCommand}
 * and {@link ServeCommand}).
 */
@QuarkusMain
@Command(
        name = "pid1-injector",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Fixes PID 1 of pre-fork master-worker servers in Kubernetes pods.",
        subcommands = {
            ServeCommand.class,
            CertsCommand.class,
            MutateCommand.class,
            AuditCommand.class,
            ShimCommand.class
        })
public final class Main {

    /** Exit code for bad usage or unreadable input (docs/reference.md). */
    static final int USAGE = 2;

    /** {@code --version}: the version of {@code pom.xml}, as the build wrote it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pid1-injector " + EngineSettings.VERSION};
        }
    }

    public static void main(String... args) {
        if (args.length == 1 && args[0].equals(ShimCommand.NAME)) {
            System.exit(ShimCommand.fromEnvironment());
        }
        if (args.length == 0 || args.length == 1 && args[0].equals(ServeCommand.NAME)) {
            System.exit(ServeCommand.withDefaults());
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with the exit codes of docs/reference.md: any failure is one line on stderr and exit 2. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine()
                            .getErr()
                            .println("pid1-injector: " + OneLine.of(e) + " (see "
                                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    line.getErr().println("pid1-injector: " + OneLine.of(e));
                    return USAGE;
                });
    }
}
