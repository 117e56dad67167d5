package io.pid1.injector.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an argv starts, as far as the catalog can tell.
 *
 * @param init            an init already in front ({@code tini}, {@code dumb-init}, {@code catatonit},
 *                        {@code docker-init}, s6 {@code /init}); empty when none
 * @param processManager  a process manager that supervises several programs ({@code supervisord},
 *                        {@code s6-svscan}, {@code runsvdir}); empty when none
 * @param server          the master-worker server it starts; empty when none is recognised
 * @param wrappers        launchers passed on the way, in order ({@code env}, {@code bundle exec}, …)
 * @param direct          true when every launcher on the way replaces itself with the next program
 *                        (exec) or forwards signals to it, so the server would be the init's child
 * @param serverArgs      the server's own arguments (after its executable or module name)
 * @param bindHost        host of its listen address when a flag names one ({@code 127.0.0.1})
 * @param port            its listen port from flags (or the catalog default); empty when it has none,
 *                        when it listens on a unix socket only, or when the flag's value is unknown
 * @param portFromFlags   whether its flags (or env that stands for them, such as gunicorn's
 *                        {@code PORT}) name the listen address, rather than the default
 * @param workers         number of workers from its flags
 * @param gracefulTimeout its graceful timeout in seconds, from flags or the catalog default
 * @param termIsGraceful  whether SIGTERM stops it gracefully as run (its graceful signal, or a flag)
 * @param http            added: whether {@code port} speaks HTTP as run (uwsgi only with {@code --http*})
 * @param tls             added: whether that port speaks TLS as run (gunicorn {@code --certfile})
 * @param childWorkers    added: whether its workers are child processes that live as long as it does
 * @param program         the program the walk stopped at: as the catalog calls it ({@code celery worker},
 *                        {@code rq worker-pool}, {@code celery beat}), else its basename ({@code redis-server});
 *                        empty when the argv ends after inits and launchers
 * @param notMasterWorker what the program is when the catalog knows it is not a master-worker server
 *                        ({@code a scheduler, one process}); empty otherwise
 */
public record Launch(
        Optional<String> init,
        Optional<String> processManager,
        Optional<Server> server,
        List<String> wrappers,
        boolean direct,
        List<String> serverArgs,
        Optional<String> bindHost,
        OptionalInt port,
        boolean portFromFlags,
        OptionalInt workers,
        OptionalInt gracefulTimeout,
        boolean termIsGraceful,
        boolean http,
        boolean tls,
        boolean childWorkers,
        Optional<String> program,
        Optional<String> notMasterWorker) {

    /**
     * This launch, started by a shell that runs behind {@code front} (an image's {@code dumb-init --
     * /entrypoint}): its init, and the wrappers passed before the shell.
     */
    public Launch behind(Launch front) {
        List<String> all = new ArrayList<>(front.wrappers());
        all.addAll(wrappers);
        return new Launch(
                front.init().or(() -> init),
                processManager,
                server,
                List.copyOf(all),
                front.direct() && direct,
                serverArgs,
                bindHost,
                port,
                portFromFlags,
                workers,
                gracefulTimeout,
                termIsGraceful,
                http,
                tls,
                childWorkers,
                program,
                notMasterWorker);
    }

    /** What an argv starts when no server is recognised; {@code program} is where the walk stopped. */
    static Launch unknown(
            Optional<String> init,
            Optional<String> processManager,
            List<String> wrappers,
            boolean direct,
            Optional<String> program) {
        return noServer(init, processManager, wrappers, direct, program, Optional.empty());
    }

    /** What an argv starts when it is a program the catalog knows is not a master-worker server. */
    static Launch notMasterWorker(
            Optional<String> init, List<String> wrappers, boolean direct, String program, String what) {
        return noServer(init, Optional.empty(), wrappers, direct, Optional.of(program), Optional.of(what));
    }

    private static Launch noServer(
            Optional<String> init,
            Optional<String> processManager,
            List<String> wrappers,
            boolean direct,
            Optional<String> program,
            Optional<String> notMasterWorker) {
        return new Launch(
                init,
                processManager,
                Optional.empty(),
                List.copyOf(wrappers),
                direct,
                List.of(),
                Optional.empty(),
                OptionalInt.empty(),
                false,
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                false,
                false,
                false,
                program,
                notMasterWorker);
    }
}
