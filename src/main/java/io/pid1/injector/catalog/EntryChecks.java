package io.pid1.injector.catalog;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/** Checks one catalog entry's fields; a failure names the file, entry and field on one line. */
final class EntryChecks {

    private static final Set<String> SIGNALS =
            Set.of("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGWINCH", "SIGUSR1", "SIGUSR2", "SIGKILL");

    private final String source;

    EntryChecks(String source) {
        this.source = source;
    }

    void server(Server server, String entry) {
        name(server.name(), entry);
        if (server.executables().isEmpty() && server.modules().isEmpty()) {
            fail(entry, "executables", "give executables or modules to recognise it by");
        }
        if (server.gracefulSignal() == null || !SIGNALS.contains(server.gracefulSignal())) {
            fail(
                    entry,
                    "gracefulSignal",
                    "must be one of " + SIGNALS.stream().sorted().toList() + ", was " + server.gracefulSignal());
        }
        seconds(server.gracefulTimeout(), entry, "gracefulTimeout");
        port(server.defaultPort(), entry, "defaultPort");
        flags(server.requiredFlags(), entry, "requiredFlags");
        flags(server.termGracefulFlags(), entry, "termGracefulFlags");
        flags(server.gracefulTimeoutFlags(), entry, "gracefulTimeoutFlags");
        flags(server.listenFlags(), entry, "listenFlags");
        flags(server.workersFlags(), entry, "workersFlags");
        flags(server.tlsFlags(), entry, "tlsFlags");
        flags(server.poolFlags(), entry, "poolFlags");
        if (!server.listenFlags().containsAll(server.httpFlags())) {
            fail(entry, "httpFlags", "each must also be in listenFlags");
        }
        if (!Set.of("s", "ms").contains(server.gracefulTimeoutUnit())) {
            fail(entry, "gracefulTimeoutUnit", "must be s or ms, was " + server.gracefulTimeoutUnit());
        }
    }

    void init(Init init, String entry) {
        name(init.name(), entry);
        executables(init.executables(), entry);
        flags(init.valueOptions(), entry, "valueOptions");
    }

    void processManager(ProcessManager manager, String entry) {
        name(manager.name(), entry);
        if (manager.executables().isEmpty() && manager.modules().isEmpty()) {
            fail(entry, "executables", "give executables or modules to recognise it by");
        }
    }

    void notMasterWorker(NotMasterWorker program, String entry) {
        name(program.name(), entry);
        if (program.executables().isEmpty() && program.modules().isEmpty()) {
            fail(entry, "executables", "give executables or modules to recognise it by");
        }
        if (program.what() == null || program.what().isBlank()) {
            fail(entry, "what", "say what it is, e.g. \"a scheduler, one process\"");
        }
    }

    void launcher(Launcher launcher, String entry) {
        name(launcher.name(), entry);
        executables(launcher.executables(), entry);
        flags(launcher.valueOptions(), entry, "valueOptions");
        if (launcher.operands() < 0) {
            fail(entry, "operands", "must not be negative");
        }
        if (launcher.handover() == null) {
            fail(entry, "handover", "required: exec, forwards, inprocess or forks");
        }
    }

    void project(ProjectCli project, String entry) {
        name(project.name(), entry);
        executables(project.executables(), entry);
        if (project.server() == null || project.server().isBlank()) {
            fail(entry, "server", "required: the name of the server it starts");
        }
        if (project.handover() == null) {
            fail(entry, "handover", "required: exec, forwards, inprocess or forks");
        }
        port(project.defaultPort(), entry, "defaultPort");
        flags(project.listenFlags(), entry, "listenFlags");
        flags(project.workersFlags(), entry, "workersFlags");
    }

    void entrypoint(Entrypoint entrypoint, String entry) {
        name(entrypoint.name(), entry);
        executables(entrypoint.executables(), entry);
        if (entrypoint.passThrough().isEmpty()) {
            fail(entry, "passThrough", "required: the first arguments it execs, or *");
        }
    }

    void sidecar(Sidecar sidecar, String entry) {
        name(sidecar.name(), entry);
        if (sidecar.images().isEmpty() && sidecar.executables().isEmpty()) {
            fail(entry, "images", "give images or executables to recognise it by");
        }
        if (sidecar.role() == null) {
            fail(entry, "role", "required: logs, database, auth or mesh");
        }
        boolean mesh = sidecar.role() == SidecarRole.MESH;
        if (mesh
                ? sidecar.mesh() == null || sidecar.nativeSwitch() == null
                : sidecar.mesh() != null || sidecar.nativeSwitch() != null) {
            fail(entry, "mesh", "mesh and nativeSwitch are given for role mesh, and only for it");
        }
    }

    private void name(String name, String entry) {
        if (name == null || name.isBlank()) {
            fail(entry, "name", "required");
        }
    }

    private void executables(List<String> executables, String entry) {
        if (executables.isEmpty()) {
            fail(entry, "executables", "required: at least one");
        }
    }

    private void flags(List<String> flags, String entry, String field) {
        for (String flag : flags) {
            if (flag == null || !SubcommandWords.isOption(flag)) {
                fail(entry, field, "each must start with -, was " + flag);
            }
        }
    }

    private void seconds(OptionalInt value, String entry, String field) {
        if (value.isPresent() && value.getAsInt() < 0) {
            fail(entry, field, "must not be negative, was " + value.getAsInt());
        }
    }

    private void port(OptionalInt port, String entry, String field) {
        if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
            fail(entry, field, "must be a port from 1 to 65535, was " + port.getAsInt());
        }
    }

    private void fail(String entry, String field, String problem) {
        throw new InvalidCatalogException(source + ": " + entry + ": field \"" + field + "\": " + problem);
    }
}
