package io.pid1.injector.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The YAML catalog: the built-in file, a user's extension file, and errors in a bad file. */
class CatalogLoaderTest {

    @TempDir
    Path dir;

    @Test
    void builtinHasEveryServerOfTheBrief() {
        List<String> names =
                Catalog.builtin().servers().stream().map(Server::name).toList();
        assertEquals(
                List.of(
                        "gunicorn",
                        "uvicorn",
                        "hypercorn",
                        "granian",
                        "uwsgi",
                        "celery",
                        "rq",
                        "puma",
                        "unicorn",
                        "php-fpm",
                        "nginx",
                        "httpd",
                        "pm2-runtime",
                        "huey"),
                names);
    }

    @Test
    void builtinLeavesAbsentFieldsEmpty() {
        Server nginx = Catalog.builtin().servers().stream()
                .filter(s -> s.name().equals("nginx"))
                .findFirst()
                .orElseThrow();
        assertEquals("SIGQUIT", nginx.gracefulSignal());
        assertEquals(OptionalInt.empty(), nginx.gracefulTimeout());
        assertEquals(OptionalInt.of(80), nginx.defaultPort());
        assertTrue(nginx.workersFlags().isEmpty());
        assertEquals("s", nginx.gracefulTimeoutUnit());
    }

    @Test
    void extensionFileAddsAServerWithoutARebuild() throws IOException {
        Path extra = dir.resolve("extra.yaml");
        Files.writeString(extra, """
                servers:
                  - name: waitress
                    executables: [waitress-serve]
                    gracefulSignal: SIGTERM
                    listenFlags: [--listen, --port]
                    defaultPort: 8080
                    http: true
                    workersFlags: [--threads]
                """);
        Catalog catalog = Catalog.load(extra);

        Launch launch = catalog.recognise(List.of("waitress-serve", "--listen=0.0.0.0:6543", "app:app"), Map.of());

        assertEquals("waitress", launch.server().orElseThrow().name());
        assertEquals(OptionalInt.of(6543), launch.port());
        assertTrue(launch.http());
        assertEquals(Catalog.builtin().servers().size() + 1, catalog.servers().size());
    }

    @Test
    void entryOfTheSameNameReplacesTheBuiltinOne() {
        Catalog catalog = Catalog.withExtra("""
                servers:
                  - name: nginx
                    executables: [nginx, openresty]
                    gracefulSignal: SIGQUIT
                    defaultPort: 8080
                    http: true
                """, "extra.yaml");

        Launch launch = catalog.recognise(List.of("openresty", "-g", "daemon off;"), Map.of());

        assertEquals(OptionalInt.of(8080), launch.port());
        assertEquals(
                1,
                catalog.servers().stream().filter(s -> s.name().equals("nginx")).count());
        assertEquals(Catalog.builtin().servers().size(), catalog.servers().size());
    }

    @Test
    void extensionAddsALauncherAndAProjectCommand() {
        Catalog catalog = Catalog.withExtra("""
                launchers:
                  - name: doppler run
                    executables: [doppler]
                    words: [run]
                    handover: forks
                projects:
                  - name: superset run
                    executables: [superset]
                    words: [run]
                    server: gunicorn
                    handover: forks
                """, "extra.yaml");

        Launch launch = catalog.recognise(List.of("doppler", "run", "--", "gunicorn", "app"), Map.of());

        assertEquals(List.of("doppler run"), launch.wrappers());
        assertFalse(launch.direct());
        assertEquals(
                "gunicorn",
                catalog.recognise(List.of("superset", "run"), Map.of())
                        .server()
                        .orElseThrow()
                        .name());
    }

    @Test
    void extensionAddsAnEntrypointScriptThatPassesItsArgumentsOn() {
        Catalog catalog = Catalog.withExtra("""
                entrypoints:
                  - name: shop entrypoint
                    executables: [/usr/local/bin/shop-entrypoint]
                    passThrough: ["*"]
                """, "extra.yaml");
        List<String> argv = List.of("tini", "--", "/usr/local/bin/shop-entrypoint", "bash", "-c", "exec x");

        assertEquals(3, catalog.programIndex(argv));
        assertEquals(2, Catalog.builtin().programIndex(argv));
        assertEquals(
                List.of("shop entrypoint"),
                catalog.recognise(argv.subList(0, 4), Map.of()).wrappers());
    }

    @Test
    void emptyExtensionKeepsTheBuiltinCatalog() {
        assertEquals(
                Catalog.builtin().servers(), Catalog.withExtra("", "empty.yaml").servers());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field      | servers: [{name: x, executables: [x], gracefulSignal: SIGTERM, port: 1}]  | extra.yaml: servers entry "x": unknown field "port"
            bad signal         | servers: [{name: x, executables: [x], gracefulSignal: TERM}]              | extra.yaml: servers entry "x": field "gracefulSignal": must be one of [SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH], was TERM
            missing signal     | servers: [{name: x, executables: [x]}]                                    | extra.yaml: servers entry "x": field "gracefulSignal": must be one of [SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH], was null
            not a number       | servers: [{name: x, executables: [x], gracefulSignal: SIGTERM, defaultPort: eighty}] | extra.yaml: servers entry "x": field "defaultPort": Cannot deserialize value of type `int` from String "eighty"
            port out of range  | servers: [{name: x, executables: [x], gracefulSignal: SIGTERM, defaultPort: 70000}]   | extra.yaml: servers entry "x": field "defaultPort": must be a port from 1 to 65535, was 70000
            flag without dash  | servers: [{name: x, executables: [x], gracefulSignal: SIGTERM, listenFlags: [bind]}]  | extra.yaml: servers entry "x": field "listenFlags": each must start with -, was bind
            http flag unknown  | servers: [{name: x, executables: [x], gracefulSignal: SIGTERM, httpFlags: [--http]}]  | extra.yaml: servers entry "x": field "httpFlags": each must also be in listenFlags
            no way to find it  | servers: [{name: x, gracefulSignal: SIGTERM}]                             | extra.yaml: servers entry "x": field "executables": give executables or modules to recognise it by
            no name            | servers: [{executables: [x], gracefulSignal: SIGTERM}]                     | extra.yaml: servers entry #1: field "name": required
            bad handover       | launchers: [{name: y, executables: [y], handover: maybe}]                 | extra.yaml: launchers entry "y": field "handover": must be one of exec, forwards, inprocess, forks, was maybe
            missing handover   | launchers: [{name: y, executables: [y]}]                                  | extra.yaml: launchers entry "y": field "handover": required: exec, forwards, inprocess or forks
            unknown server     | projects: [{name: z, executables: [z], server: thin, handover: forks}]    | extra.yaml: projects entry "z": field "server": no server named "thin" in the catalog
            no pass-through    | entrypoints: [{name: e, executables: [/e]}]                               | extra.yaml: entrypoints entry "e": field "passThrough": required: the first arguments it execs, or *
            unknown section    | daemons: []                                                              | extra.yaml: unknown section "daemons", expected one of
            section not a list | servers: {name: x}                                                        | extra.yaml: section "servers" must be a list of entries
            not YAML           | 'servers: [ {'                                                            | extra.yaml: not valid YAML at line
            """)
    void invalidFileGivesOneLineNamingEntryAndField(String problem, String yaml, String message) {
        InvalidCatalogException error =
                assertThrows(InvalidCatalogException.class, () -> Catalog.withExtra(yaml, "extra.yaml"));

        assertTrue(error.getMessage().startsWith(message), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }

    @Test
    void unreadableFileSaysWhichFile() {
        Path missing = dir.resolve("missing.yaml");
        UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> Catalog.load(missing));
        assertTrue(error.getMessage().contains("missing.yaml"), error.getMessage());
    }
}
