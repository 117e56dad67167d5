package io.pid1.injector.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.EnvOption;
import io.pid1.injector.catalog.Server;
import java.util.List;
import java.util.Optional;

/**
 * {@code signal}: the kubelet sends SIGTERM, which is a fast stop for nginx and php-fpm (SIGQUIT is
 * graceful), httpd (SIGWINCH) and a reload for uwsgi. The server gets its graceful signal: through a
 * flag where one makes SIGTERM graceful, else through a preStop hook that signals PID 1 (an init
 * forwards it) after the drain and waits for the server to finish.
 */
final class SignalFix implements Fix {

    @Override
    public FixKind kind() {
        return FixKind.SIGNAL;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.server().isEmpty() || termIsGraceful(c) || c.supervised()) {
            return;
        }
        Server server = c.server().get();
        if (c.image
                .flatMap(ImageConfig::stopSignal)
                .filter(s -> sameSignal(s, server.gracefulSignal()))
                .isPresent()) {
            return;
        }
        if (!server.termGracefulFlags().isEmpty()) {
            String flag = server.termGracefulFlags().get(0);
            if (c.argsReachServer()) {
                c.appendArgs(List.of(flag));
                pod.applied(c, kind(), server.name() + " does not stop gracefully on SIGTERM; " + flag + " added");
                return;
            }
            Optional<EnvOption> env = EnvOption.of(server, flag, c.env);
            if (env.isPresent()) {
                c.setEnv(env.get().name(), env.get().value());
                pod.applied(
                        c,
                        kind(),
                        server.name() + " does not stop gracefully on SIGTERM; " + flag + " given as env "
                                + env.get().name());
                return;
            }
        }
        if (c.node.path("lifecycle").has("preStop")) {
            pod.report(
                    c,
                    kind(),
                    server.name() + " stops gracefully on " + server.gracefulSignal()
                            + ", not SIGTERM; the existing preStop hook should send it");
            return;
        }
        if (c.argv().isEmpty() || !c.serverIsDirect() || c.script().isPresent() || pod.binariesTaken.isPresent()) {
            pod.report(
                    c,
                    kind(),
                    server.name() + " stops gracefully on " + server.gracefulSignal()
                            + ", not SIGTERM; no safe way to send it here");
            return;
        }
        pod.mountBinary(c, PodDraft.PROBE);
        ObjectNode preStop = Json.object(Json.object(c.node, "lifecycle"), "preStop");
        preStop.putObject("exec").set("command", Json.array(stop(pod.options.drainSeconds(), server.gracefulSignal())));
        pod.applied(
                c,
                kind(),
                server.name() + " stops gracefully on " + server.gracefulSignal() + "; preStop sends it after a "
                        + pod.options.drainSeconds() + "s drain");
    }

    /**
     * Whether SIGTERM already stops it gracefully. A flag that makes it so counts only where it reaches the
     * server: behind a script that may build its own command line, only the environment does.
     */
    private static boolean termIsGraceful(ContainerDraft c) {
        Server server = c.server().orElseThrow();
        if (!c.launch().termIsGraceful()
                || c.argsReachServer()
                || server.termGracefulFlags().isEmpty()
                || sameSignal(server.gracefulSignal(), "SIGTERM")) {
            return c.launch().termIsGraceful();
        }
        return server.termGracefulFlags().stream().anyMatch(flag -> EnvOption.sets(server, flag, c.effectiveEnv()));
    }

    /**
     * Drain, signal PID 1 (the server, or an init that forwards), wait until it is gone: the probe
     * program's {@code stop} mode, so the container needs no shell of its own or of ours.
     */
    static List<String> stop(int drainSeconds, String signal) {
        String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        return List.of(PodDraft.PROBE, "stop", name, "--after", String.valueOf(drainSeconds));
    }

    private static boolean sameSignal(String a, String b) {
        String x = a.startsWith("SIG") ? a.substring(3) : a;
        String y = b.startsWith("SIG") ? b.substring(3) : b;
        return x.equalsIgnoreCase(y);
    }
}
