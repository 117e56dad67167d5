package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One master-worker server of the catalog: how to recognise it and how it stops. Data only;
 * the built-in entries live in {@code catalog.yaml}, and a YAML entry uses these names as keys.
 * Absent lists are empty, absent optionals empty, absent booleans false.
 *
 * @param name                  catalog key, e.g. {@code gunicorn}
 * @param executables           basenames that start it ({@code gunicorn}, {@code gunicorn3}); a trailing
 *                              {@code *} matches a prefix ({@code php-fpm*})
 * @param modules               {@code python -m} module names
 * @param subcommands           words that must follow the executable for it to be this server
 *                              (celery: {@code worker}); empty when none
 * @param requiredFlags         flags without which it is not master-worker (uvicorn: {@code --workers});
 *                              when such a flag is also a workers flag its value must be above 1, and
 *                              {@code workersEnv} above 1 stands in for it
 * @param gracefulSignal        the signal that stops it gracefully, e.g. {@code SIGQUIT}
 * @param termGracefulFlags     flags under which SIGTERM is graceful too (uwsgi: {@code --die-on-term})
 * @param gracefulTimeoutFlags  flags that set its graceful timeout (in {@code gracefulTimeoutUnit})
 * @param gracefulTimeout       default graceful timeout in seconds; empty when it waits without limit
 * @param listenFlags           flags that name its listen address ({@code -b}, {@code --bind}, {@code --port});
 *                              a value is read as {@code HOST:PORT}, a port, a host or a unix socket
 * @param defaultPort           the port it listens on when no flag says otherwise
 * @param http                  whether that port speaks HTTP (php-fpm: FastCGI, celery: no port)
 * @param workersFlags          flags that set the number of workers
 * @param slowStart             whether a startup probe should hold off liveness
 * @param note                  what would work as a probe when no HTTP one can be made
 * @param httpFlags             added: when not empty, the port speaks HTTP only when one of these
 *                              listen flags is given (uwsgi: {@code --http}, not {@code --socket})
 * @param defaultHost           added: the host it binds when no flag names one ({@code 127.0.0.1})
 * @param workersEnv            added: env variable read as the number of workers when no flag sets it
 *                              ({@code WEB_CONCURRENCY})
 * @param argsEnv               added: env variable holding more command-line flags, which the
 *                              command line overrides ({@code GUNICORN_CMD_ARGS})
 * @param portEnv               added: env variable that makes it bind {@code 0.0.0.0:$VAR} when no
 *                              flag names an address (gunicorn: {@code PORT})
 * @param optionEnvPrefix       added: prefix under which each long flag can be set from env
 *                              (uwsgi: {@code UWSGI_}, so {@code UWSGI_DIE_ON_TERM} is {@code --die-on-term})
 * @param gracefulTimeoutUnit   added: unit of the graceful timeout flags' values, {@code s} (default) or
 *                              {@code ms} (pm2's {@code --kill-timeout})
 * @param tlsFlags              added: flags that make its port speak TLS ({@code --certfile}); a listen
 *                              value {@code ssl://…} does too
 * @param childWorkers          added: whether its workers are child processes for as long as it runs
 *                              (celery's prefork pool), so a check may count them
 * @param poolFlags             added: flags that choose its worker pool ({@code -P}, {@code --pool})
 * @param childPools            added: the pools of {@code poolFlags} whose workers are child processes
 */
public record Server(
        String name,
        List<String> executables,
        List<String> modules,
        List<String> subcommands,
        List<String> requiredFlags,
        String gracefulSignal,
        List<String> termGracefulFlags,
        List<String> gracefulTimeoutFlags,
        OptionalInt gracefulTimeout,
        List<String> listenFlags,
        OptionalInt defaultPort,
        boolean http,
        List<String> workersFlags,
        boolean slowStart,
        String note,
        List<String> httpFlags,
        Optional<String> defaultHost,
        Optional<String> workersEnv,
        Optional<String> argsEnv,
        Optional<String> portEnv,
        Optional<String> optionEnvPrefix,
        String gracefulTimeoutUnit,
        List<String> tlsFlags,
        boolean childWorkers,
        List<String> poolFlags,
        List<String> childPools) {

    /** Replaces absent (null) values by empty ones so that YAML entries may leave fields out. */
    public Server {
        executables = MissingFields.orEmpty(executables);
        modules = MissingFields.orEmpty(modules);
        subcommands = MissingFields.orEmpty(subcommands);
        requiredFlags = MissingFields.orEmpty(requiredFlags);
        termGracefulFlags = MissingFields.orEmpty(termGracefulFlags);
        gracefulTimeoutFlags = MissingFields.orEmpty(gracefulTimeoutFlags);
        gracefulTimeout = gracefulTimeout == null ? OptionalInt.empty() : gracefulTimeout;
        listenFlags = MissingFields.orEmpty(listenFlags);
        defaultPort = defaultPort == null ? OptionalInt.empty() : defaultPort;
        workersFlags = MissingFields.orEmpty(workersFlags);
        note = note == null ? "" : note;
        httpFlags = MissingFields.orEmpty(httpFlags);
        defaultHost = MissingFields.orEmpty(defaultHost);
        workersEnv = MissingFields.orEmpty(workersEnv);
        argsEnv = MissingFields.orEmpty(argsEnv);
        portEnv = MissingFields.orEmpty(portEnv);
        optionEnvPrefix = MissingFields.orEmpty(optionEnvPrefix);
        gracefulTimeoutUnit = gracefulTimeoutUnit == null ? "s" : gracefulTimeoutUnit;
        tlsFlags = MissingFields.orEmpty(tlsFlags);
        poolFlags = MissingFields.orEmpty(poolFlags);
        childPools = MissingFields.orEmpty(childPools);
    }

    /** Whether its listen port speaks HTTP when run with {@code args}. */
    boolean speaksHttp(FlagReader args) {
        return http && (httpFlags.isEmpty() || args.hasAny(httpFlags));
    }

    /** Whether its workers are child processes when run with {@code args}: the pool they choose keeps them. */
    boolean workersAreChildren(FlagReader args) {
        return childWorkers
                && args.last(poolFlags)
                        .flatMap(pool -> pool)
                        .map(childPools::contains)
                        .orElse(true);
    }
}
