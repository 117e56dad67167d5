package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;

/** The entries of a catalog file, one list per section. */
record Entries(
        List<Server> servers,
        List<Init> inits,
        List<ProcessManager> processManagers,
        List<Launcher> launchers,
        List<ProjectCli> projects,
        List<Entrypoint> entrypoints,
        List<Sidecar> sidecars,
        List<NotMasterWorker> notMasterWorker) {

    Entries {
        servers = List.copyOf(servers);
        inits = List.copyOf(inits);
        processManagers = List.copyOf(processManagers);
        launchers = List.copyOf(launchers);
        projects = List.copyOf(projects);
        entrypoints = List.copyOf(entrypoints);
        sidecars = List.copyOf(sidecars);
        notMasterWorker = List.copyOf(notMasterWorker);
    }

    Optional<Server> server(String name) {
        return servers.stream().filter(server -> server.name().equals(name)).findFirst();
    }
}
