package io.pid1.injector.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads a recognised server's facts (listen address, workers, timeout, signal) from its arguments. */
final class ServerRun {

    private static final String SIGTERM = "SIGTERM";

    private final Server server;
    private final List<String> args;
    private final FlagReader flags;
    private final Map<String, String> env;

    ServerRun(Server server, List<String> args, Map<String, String> env) {
        this.server = server;
        this.args = List.copyOf(args);
        this.env = env;
        List<String> envArgs =
                server.argsEnv().map(env::get).map(FlagReader::split).orElse(List.of());
        this.flags = new FlagReader(this.args, envArgs, env, server.optionEnvPrefix());
    }

    /** Whether it runs as master-worker: its required flags (or worker count) are there. */
    boolean masterWorker() {
        if (server.requiredFlags().isEmpty()) {
            return true;
        }
        OptionalInt workers = workers(server.workersFlags());
        if (server.workersFlags().containsAll(server.requiredFlags()) && workers.isPresent()) {
            return workers.getAsInt() > 1;
        }
        return flags.hasAny(server.requiredFlags());
    }

    /** What it starts, run directly by the catalog's launchers; {@code program} names it. */
    Launch launch(Context context, String program) {
        List<Optional<String>> listenValues = flags.values(server.listenFlags());
        return started(
                context,
                server,
                args,
                listen(listenValues),
                workers(server.workersFlags()),
                gracefulTimeout(),
                termIsGraceful(),
                server.speaksHttp(flags),
                flags.hasAny(server.tlsFlags()) || anySsl(listenValues),
                server.workersAreChildren(flags),
                program);
    }

    /** What it starts when {@code project}'s command starts it with {@code projectArgs}. */
    static Launch launchThrough(
            ProjectCli project, Server server, List<String> projectArgs, Map<String, String> env, Context context) {
        FlagReader flags = FlagReader.of(projectArgs, env);
        OptionalInt defaultPort = project.defaultPort().isPresent() ? project.defaultPort() : server.defaultPort();
        List<Optional<String>> listenValues = flags.values(project.listenFlags());
        Listen listen = Listen.of(listenValues, defaultPort);
        boolean http = project.http().orElse(server.http() && server.httpFlags().isEmpty());
        boolean termIsGraceful = project.termGraceful() || SIGTERM.equals(server.gracefulSignal());
        boolean tls = anySsl(listenValues);
        return started(
                context,
                server,
                List.copyOf(projectArgs),
                listen,
                number(flags.last(project.workersFlags())),
                server.gracefulTimeout(),
                termIsGraceful,
                http,
                tls,
                server.workersAreChildren(flags),
                server.name());
    }

    /** A launch of {@code server}, named {@code program}, with what was read of its arguments. */
    private static Launch started(
            Context context,
            Server server,
            List<String> args,
            Listen listen,
            OptionalInt workers,
            OptionalInt gracefulTimeout,
            boolean termIsGraceful,
            boolean http,
            boolean tls,
            boolean childWorkers,
            String program) {
        return new Launch(
                context.init(),
                Optional.empty(),
                Optional.of(server),
                context.wrappers(),
                context.direct(),
                args,
                listen.host(),
                listen.port(),
                listen.fromFlags(),
                workers,
                gracefulTimeout,
                termIsGraceful,
                http,
                tls,
                childWorkers,
                Optional.of(program),
                Optional.empty());
    }

    private Listen listen(List<Optional<String>> values) {
        if (values.isEmpty()
                && server.portEnv().isPresent()
                && env.containsKey(server.portEnv().get())) {
            Optional<String> port = Optional.ofNullable(env.get(server.portEnv().get()));
            return Listen.of(List.of(port.map(p -> "0.0.0.0:" + p)), server.defaultPort());
        }
        return Listen.of(values, server.defaultPort());
    }

    /** Whether a listen value is TLS, as puma's {@code -b ssl://0.0.0.0:9292?key=…}. */
    private static boolean anySsl(List<Optional<String>> listenValues) {
        for (Optional<String> value : listenValues) {
            if (value.filter(v -> v.startsWith("ssl://")).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private OptionalInt workers(List<String> workersFlags) {
        Optional<Optional<String>> fromFlags = flags.last(workersFlags);
        if (fromFlags.isPresent()) {
            return number(fromFlags);
        }
        return number(server.workersEnv().map(name -> Optional.ofNullable(env.get(name))));
    }

    private OptionalInt gracefulTimeout() {
        OptionalInt fromFlags = number(flags.last(server.gracefulTimeoutFlags()));
        if (fromFlags.isEmpty()) {
            return server.gracefulTimeout();
        }
        if ("ms".equals(server.gracefulTimeoutUnit())) {
            return OptionalInt.of((fromFlags.getAsInt() + 999) / 1000);
        }
        return fromFlags;
    }

    private boolean termIsGraceful() {
        return SIGTERM.equals(server.gracefulSignal()) || flags.hasAny(server.termGracefulFlags());
    }

    private static OptionalInt number(Optional<Optional<String>> value) {
        Optional<String> digits = value.flatMap(v -> v).map(String::trim).filter(v -> Digits.upTo(v, 9));
        return digits.isPresent() ? OptionalInt.of(Integer.parseInt(digits.get())) : OptionalInt.empty();
    }

    /** What the walk passed before reaching the server. */
    record Context(Optional<String> init, List<String> wrappers, boolean direct) {}
}
