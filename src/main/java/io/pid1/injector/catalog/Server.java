package io.pid1.injector.catalog;

import java.util.List;
import java.util.OptionalInt;

/**
 * One master-worker server of the catalog: how to recognise it and how it stops. Data only;
 * the built-in entries live in {@code catalog.yaml}.
 *
 * @param name                  catalog key, e.g. {@code gunicorn}
 * @param executables           basenames that start it ({@code gunicorn}, {@code gunicorn3}); a trailing
 *                              {@code *} matches a prefix ({@code php-fpm*})
 * @param modules               {@code python -m} module names
 * @param subcommands           words that must follow the executable for it to be this server
 *                              (celery: {@code worker}); empty when none
 * @param requiredFlags         flags without which it is not master-worker (uvicorn: {@code --workers})
 * @param gracefulSignal        the signal that stops it gracefully, e.g. {@code SIGQUIT}
 * @param termGracefulFlags     flags under which SIGTERM is graceful too (uwsgi: {@code --die-on-term})
 * @param gracefulTimeoutFlags  flags that set its graceful timeout in seconds
 * @param gracefulTimeout       default graceful timeout in seconds; empty when it waits without limit
 * @param listenFlags           flags that name its listen address ({@code -b}, {@code --bind}, {@code --port})
 * @param defaultPort           the port it listens on when no flag says otherwise
 * @param http                  whether that port speaks HTTP (php-fpm: FastCGI, celery: no port)
 * @param workersFlags          flags that set the number of workers
 * @param slowStart             whether a startup probe should hold off liveness
 * @param note                  what would work as a probe when no HTTP one can be made
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
        String note) {
}
