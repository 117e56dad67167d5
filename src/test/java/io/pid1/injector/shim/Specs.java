package io.pid1.injector.shim;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** Container specs for tests. */
final class Specs {

    private Specs() {}

    static ContainerSpec gunicorn(int workers) {
        return new ContainerSpec(
                "web",
                List.of("gunicorn", "app:app", "-w", Integer.toString(workers)),
                "gunicorn",
                OptionalInt.of(workers),
                OptionalInt.empty(),
                "/",
                Signal.TERM,
                Duration.ofMillis(300),
                Duration.ZERO);
    }

    static ContainerSpec withHttp(ContainerSpec spec, int port) {
        return new ContainerSpec(
                spec.name(),
                spec.argv(),
                spec.server(),
                spec.workers(),
                OptionalInt.of(port),
                "/health",
                spec.gracefulSignal(),
                spec.gracefulTimeout(),
                spec.drainTime());
    }

    static ContainerSpec timed(ContainerSpec spec, Signal signal, Duration graceful, Duration drain) {
        return new ContainerSpec(
                spec.name(),
                spec.argv(),
                spec.server(),
                spec.workers(),
                spec.httpPort(),
                spec.httpPath(),
                signal,
                graceful,
                drain);
    }
}
