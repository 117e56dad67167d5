package io.pid1.injector.shell;

import java.util.List;
import java.util.Optional;

/** What {@link ShellReader} proved about a {@code sh -c} script. */
public sealed interface Reading {

    /**
     * The words the script's last command would run with (after {@code exec}, assignments and
     * {@code cd} are taken off), each as in {@link ExecForm#argv()} when provable, else as written;
     * for a refused script, the command being read when the reader stopped (best effort, may be
     * empty).
     */
    List<String> lastCommand();

    /**
     * A variable assignment that prefixes the command, {@code NAME=value gunicorn …}; {@code value}
     * is ready for a Kubernetes env entry (a literal {@code $(} is written {@code $$(}).
     */
    record Assignment(String name, String value) {}

    /**
     * The script is exactly one command that can run without a shell: {@code argv} in exec form,
     * where {@code $VAR} of a variable defined in the container's env became {@code $(VAR)}
     * and a literal {@code $(} became {@code $$(}.
     */
    record ExecForm(Optional<String> workingDir, List<Assignment> env, List<String> argv) implements Reading {
        @Override
        public List<String> lastCommand() {
            return argv;
        }
    }

    /** The shell must stay, but {@code script} now has {@code exec} before its last command. */
    record ExecPrefixed(String script, List<String> lastCommand) implements Reading {}

    /** The script already ends with {@code exec} of its last command; nothing to change. */
    record AlreadyExec(List<String> lastCommand) implements Reading {}

    /** Nothing can be proved; {@code reason} is a short phrase such as "uses a pipe". */
    record Refused(String reason, List<String> lastCommand) implements Reading {}
}
