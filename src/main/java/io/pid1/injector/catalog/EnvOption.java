package io.pid1.injector.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A flag given through the server's environment, which reaches it whatever an entrypoint script does
 * with the command line: each long flag as its own variable ({@code optionEnvPrefix}, uWSGI's
 * {@code UWSGI_DIE_ON_TERM=true}), or appended to a variable of extra arguments ({@code argsEnv},
 * {@code GUNICORN_CMD_ARGS}).
 *
 * @param name  the variable
 * @param value its new value
 */
public record EnvOption(String name, String value) {

    /**
     * How to give boolean {@code flag} to {@code server} through {@code env}; empty when the server reads
     * it from no variable, when the author set its own variable already (even to false: theirs to say), or
     * when a variable of arguments is set from elsewhere ({@code valueFrom}) and cannot be extended.
     */
    public static Optional<EnvOption> of(Server server, String flag, Map<String, String> env) {
        Optional<EnvOption> option = Optional.empty();
        if (server.optionEnvPrefix().isPresent() && flag.startsWith("--")) {
            String name = variable(server.optionEnvPrefix().get(), flag);
            option = env.containsKey(name) ? Optional.empty() : Optional.of(new EnvOption(name, "true"));
        } else if (server.argsEnv().isPresent()) {
            String name = server.argsEnv().get();
            String current = env.getOrDefault(name, "");
            option = current == null
                    ? Optional.empty()
                    : Optional.of(new EnvOption(name, current.isBlank() ? flag : current.strip() + " " + flag));
        }
        return option;
    }

    /** Whether {@code env} already gives {@code server} the boolean {@code flag}. */
    public static boolean sets(Server server, String flag, Map<String, String> env) {
        List<String> envArgs =
                server.argsEnv().map(env::get).map(FlagReader::split).orElse(List.of());
        return new FlagReader(List.of(), envArgs, env, server.optionEnvPrefix()).has(flag);
    }

    /** The variable under {@code prefix} that stands for the long {@code flag}. */
    static String variable(String prefix, String flag) {
        return prefix + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
