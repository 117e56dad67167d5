package io.pid1.injector.catalog;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One recognition case for the table tests: an argv with env, and every fact expected of it. */
final class Expect {

    /** The facts of a {@link Launch} that the tests compare, with the server by name. */
    record Facts(
            String server,
            List<String> wrappers,
            boolean direct,
            String host,
            Integer port,
            boolean portFromFlags,
            Integer workers,
            Integer gracefulTimeout,
            boolean termIsGraceful,
            boolean http,
            String init,
            String processManager) {

        static Facts of(Launch launch) {
            return new Facts(
                    launch.server().map(Server::name).orElse(null),
                    launch.wrappers(),
                    launch.direct(),
                    launch.bindHost().orElse(null),
                    launch.port().isPresent() ? launch.port().getAsInt() : null,
                    launch.portFromFlags(),
                    launch.workers().isPresent() ? launch.workers().getAsInt() : null,
                    launch.gracefulTimeout().isPresent()
                            ? launch.gracefulTimeout().getAsInt()
                            : null,
                    launch.termIsGraceful(),
                    launch.http(),
                    launch.init().orElse(null),
                    launch.processManager().orElse(null));
        }
    }

    final List<String> argv;
    final Map<String, String> env = new HashMap<>();
    private String server;
    private List<String> wrappers = List.of();
    private boolean direct = true;
    private String host;
    private Integer port;
    private boolean portFromFlags;
    private Integer workers;
    private Integer gracefulTimeout;
    private boolean termIsGraceful;
    private boolean http;
    private String init;
    private String processManager;

    private Expect(List<String> argv) {
        this.argv = argv;
    }

    /** A case for {@code command}, split into words like a shell (quotes keep spaces). */
    static Expect argv(String command) {
        return new Expect(FlagReader.split(command));
    }

    Expect env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Expect server(String name) {
        server = name;
        return this;
    }

    Expect wrappers(String... names) {
        wrappers = Arrays.asList(names);
        return this;
    }

    Expect notDirect() {
        direct = false;
        return this;
    }

    Expect host(String expected) {
        host = expected;
        return this;
    }

    /** The port is the catalog's default, not from flags. */
    Expect defaultPort(int expected) {
        port = expected;
        portFromFlags = false;
        return this;
    }

    /** The flags name the listen address, with this port ({@code null}: no TCP port known). */
    Expect portFromFlags(Integer expected) {
        port = expected;
        portFromFlags = true;
        return this;
    }

    Expect workers(int expected) {
        workers = expected;
        return this;
    }

    Expect timeout(int seconds) {
        gracefulTimeout = seconds;
        return this;
    }

    Expect termIsGraceful() {
        termIsGraceful = true;
        return this;
    }

    Expect http() {
        http = true;
        return this;
    }

    Expect init(String name) {
        init = name;
        return this;
    }

    Expect processManager(String name) {
        processManager = name;
        return this;
    }

    Facts facts() {
        return new Facts(
                server,
                wrappers,
                direct,
                host,
                port,
                portFromFlags,
                workers,
                gracefulTimeout,
                termIsGraceful,
                http,
                init,
                processManager);
    }

    @Override
    public String toString() {
        String command = argv.isEmpty() ? "(empty argv)" : String.join(" ", argv);
        return command + (env.isEmpty() ? "" : " " + env);
    }
}
