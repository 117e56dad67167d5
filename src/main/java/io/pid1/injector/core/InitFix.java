package io.pid1.injector.core;

import java.util.List;

/**
 * {@code init}: tini as PID 1 forwards signals and reaps zombies, but only helps when the server is
 * its direct child: with a shell in between, SIGTERM kills the shell, tini exits and the kernel
 * SIGKILLs the server mid-drain.
 */
final class InitFix implements Fix {

    @Override
    public FixKind kind() {
        return FixKind.INIT;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.launch().init().isPresent()
                && c.shell().filter(ContainerDraft.ShellCall::behind).isPresent()) {
            pod.report(
                    c,
                    kind(),
                    c.subject() + " runs behind the image's "
                            + c.launch().init().get() + " and \""
                            + c.shell().get().shell() + "\"; init kept, argv unchanged");
            return;
        }
        if (pod.options.init() != InitMode.TINI
                || pod.binariesTaken.isPresent()
                || c.launch().init().isPresent()
                || pod.sharesProcessNamespace()) {
            return;
        }
        if (c.launch().processManager().isPresent()) {
            pod.report(
                    c, kind(), "runs under " + c.launch().processManager().get() + ", a process manager; left to it");
            return;
        }
        if (c.argv().isEmpty()) {
            pod.report(c, kind(), c.subject() + " runs from the image ENTRYPOINT, which is unknown; no init added");
            return;
        }
        if (c.script().isPresent()) {
            pod.report(
                    c,
                    kind(),
                    "no init: " + c.script().get() + " may be a script without exec; tini would cut the drain");
            return;
        }
        if (!c.serverIsDirect()) {
            String between = c.shell().isPresent()
                    ? "a shell"
                    : String.join(", ", c.launch().wrappers());
            pod.report(
                    c,
                    kind(),
                    "no init: " + between + " would stay between tini and " + c.subject() + " and cut its drain");
            return;
        }
        List<String> tini = pod.options.enabled(FixKind.PIDNS) && !pod.hostPid()
                ? List.of(PodDraft.TINI, "-s", "--")
                : List.of(PodDraft.TINI, "--");
        c.prefixCommand(tini);
        pod.mountBinary(c, PodDraft.TINI);
        pod.applied(c, kind(), c.subject() + " now runs under tini, which forwards signals and reaps zombies");
    }
}
