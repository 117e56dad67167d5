package io.pid1.injector.shim;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the shim knows of one supervised container: its argv (to find its master), how many live
 * workers it must have (at least one when unknown), the port of an HTTP check if it speaks HTTP,
 * and how to stop it gracefully.
 */
public record ContainerSpec(
        String name,
        List<String> argv,
        String server,
        OptionalInt workers,
        OptionalInt httpPort,
        String httpPath,
        Signal gracefulSignal,
        Duration gracefulTimeout,
        Duration drainTime) {

    public ContainerSpec {
        argv = List.copyOf(argv);
    }

    /** The number of live workers below which the container is unhealthy. */
    public int expectedWorkers() {
        return workers.orElse(1);
    }

    /** The argv shortened for a one-line message. */
    public String shortArgv() {
        String line = String.join(" ", argv);
        return line.length() <= 80 ? line : line.substring(0, 79) + "…";
    }
}
