package io.pid1.injector.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Renders the catalog's servers and sidecars as the README's Markdown tables. */
final class CatalogTable {

    private static final String HEADER =
            "| server | recognised by | graceful signal | graceful timeout | default port | HTTP |\n"
                    + "| --- | --- | --- | --- | --- | --- |\n";

    private static final String SIDECAR_HEADER =
            "| sidecar | role | recognised by | made a native sidecar |\n" + "| --- | --- | --- | --- |\n";

    private CatalogTable() {}

    static String renderSidecars(Entries entries) {
        StringBuilder table = new StringBuilder(SIDECAR_HEADER);
        for (Sidecar sidecar : entries.sidecars()) {
            List<String> ways = new ArrayList<>();
            sidecar.images().forEach(image -> ways.add("image " + code(image)));
            sidecar.executables().forEach(executable -> ways.add(code(executable)));
            String made = sidecar.mesh() != null
                    ? "no: left to " + sidecar.mesh() + " (" + code(sidecar.nativeSwitch()) + ")"
                    : sidecar.neededBy().isEmpty()
                            ? "yes"
                            : "yes; before an init container whose command contains "
                                    + sidecar.neededBy().stream()
                                            .map(CatalogTable::code)
                                            .collect(Collectors.joining(", "));
            table.append("| ")
                    .append(sidecar.name())
                    .append(" | ")
                    .append(sidecar.role().said())
                    .append(" | ")
                    .append(String.join(", ", ways))
                    .append(" | ")
                    .append(made)
                    .append(" |\n");
        }
        return table.toString();
    }

    static String render(Entries entries) {
        StringBuilder table = new StringBuilder(HEADER);
        for (Server server : entries.servers()) {
            table.append("| ")
                    .append(server.name())
                    .append(" | ")
                    .append(recognisedBy(server, entries.projects()))
                    .append(" | ")
                    .append(signal(server))
                    .append(" | ")
                    .append(timeout(server))
                    .append(" | ")
                    .append(
                            server.defaultPort().isPresent()
                                    ? server.defaultPort().getAsInt()
                                    : "—")
                    .append(" | ")
                    .append(http(server))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String recognisedBy(Server server, List<ProjectCli> projects) {
        List<String> ways = new ArrayList<>();
        String subcommand = server.subcommands().isEmpty() ? "" : " " + String.join("/", server.subcommands());
        server.executables().forEach(executable -> ways.add(code(executable + subcommand)));
        server.modules().forEach(module -> ways.add(code("python -m " + module + subcommand)));
        projects.stream()
                .filter(project -> project.server().equals(server.name()))
                .forEach(project -> ways.add(code(project.name())));
        String recognised = String.join(", ", ways);
        if (!server.requiredFlags().isEmpty()) {
            recognised += " with "
                    + server.requiredFlags().stream().map(CatalogTable::code).collect(Collectors.joining(" or "));
        }
        return recognised;
    }

    private static String signal(Server server) {
        if (server.termGracefulFlags().isEmpty()) {
            return server.gracefulSignal();
        }
        return server.gracefulSignal() + " (SIGTERM with "
                + server.termGracefulFlags().stream().map(CatalogTable::code).collect(Collectors.joining(", ")) + ")";
    }

    private static String timeout(Server server) {
        String byDefault =
                server.gracefulTimeout().isPresent() ? server.gracefulTimeout().getAsInt() + " s" : "none";
        if (server.gracefulTimeoutFlags().isEmpty()) {
            return byDefault;
        }
        return byDefault + " ("
                + server.gracefulTimeoutFlags().stream().map(CatalogTable::code).collect(Collectors.joining(", "))
                + ")";
    }

    private static String http(Server server) {
        if (!server.http()) {
            return "no";
        }
        if (server.httpFlags().isEmpty()) {
            return "yes";
        }
        return "with " + server.httpFlags().stream().map(CatalogTable::code).collect(Collectors.joining(", "));
    }

    private static String code(String text) {
        return "`" + text + "`";
    }
}
