package io.pid1.injector.catalog;

import java.util.List;
import java.util.Map;

/** The known master-worker servers, inits, process managers and launchers. */
public final class Catalog {

    private final List<Server> servers;

    private Catalog(List<Server> servers) {
        this.servers = List.copyOf(servers);
    }

    /** The built-in catalog ({@code catalog.yaml} on the classpath). */
    public static Catalog builtin() {
        return new Catalog(List.of());
    }

    public List<Server> servers() {
        return servers;
    }

    /**
     * Recognises what {@code argv} (as PID 1 would run it, exec form) starts.
     *
     * @param env the container's env (name to literal value, {@code null} when unknown), for
     *            variables such as {@code GUNICORN_CMD_ARGS} or {@code PORT}
     */
    public Launch recognise(List<String> argv, Map<String, String> env) {
        throw new UnsupportedOperationException("not implemented");
    }
}
