package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A project's own command that starts one of the catalog's servers ({@code airflow webserver}
 * starts gunicorn). Listed only where the project's documentation or code says which server runs.
 *
 * @param name          catalog key, shown in {@link Launch#wrappers()}
 * @param executables   basenames that start it ({@code airflow}, {@code manage.py})
 * @param words         subcommand words that must follow, options between them allowed
 *                      ({@code [celery, worker]})
 * @param server        name of the catalog server it starts
 * @param handover      whether the server replaces the command, runs inside it, or is its child
 * @param listenFlags   the command's own flags that name the listen address
 * @param workersFlags  the command's own flags that set the number of workers
 * @param defaultPort   the port it makes the server listen on when no flag says otherwise;
 *                      empty to use the server's
 * @param termGraceful  whether it configures the server so that SIGTERM is graceful
 *                      ({@code sentry run web} passes uwsgi {@code die-on-term})
 * @param http          whether the port speaks HTTP; empty to use the server's
 * @param note          where the facts come from
 */
public record ProjectCli(
        String name,
        List<String> executables,
        List<String> words,
        String server,
        Handover handover,
        List<String> listenFlags,
        List<String> workersFlags,
        OptionalInt defaultPort,
        boolean termGraceful,
        Optional<Boolean> http,
        String note) {

    /** Replaces absent values by empty ones. */
    public ProjectCli {
        executables = MissingFields.orEmpty(executables);
        words = MissingFields.orEmpty(words);
        listenFlags = MissingFields.orEmpty(listenFlags);
        workersFlags = MissingFields.orEmpty(workersFlags);
        defaultPort = defaultPort == null ? OptionalInt.empty() : defaultPort;
        http = MissingFields.orEmpty(http);
        note = note == null ? "" : note;
    }
}
