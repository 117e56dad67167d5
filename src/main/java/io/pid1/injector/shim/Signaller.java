package io.pid1.injector.shim;

import java.io.IOException;

/** Sends a signal to a process of the shared PID namespace. */
@FunctionalInterface
public interface Signaller {

    /** Sends {@code signal} to {@code pid}; an {@link IOException} says why it could not. */
    void send(int pid, Signal signal) throws IOException;
}
