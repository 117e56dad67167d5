package io.pid1.injector.catalog;

/** How a launcher or project CLI hands over to the program it starts. */
public enum Handover {
    /** It replaces itself with the program ({@code execve}): the program takes its place. */
    EXEC,
    /** It stays as the program's parent and forwards the stop signals to it. */
    FORWARDS,
    /** It runs the server in its own process (the server's code is imported, not started). */
    INPROCESS,
    /** It starts the program as a child and does not forward signals reliably. */
    FORKS;

    /** Whether a signal sent to the launcher reaches the program as if sent to it. */
    public boolean direct() {
        return this != FORKS;
    }
}
