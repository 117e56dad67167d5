package io.pid1.injector.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown table of servers that the README embeds. */
class DescribeTest {

    /** The README holds the table between these two lines. */
    static final String BEGIN = "<!-- catalog-table:begin -->";

    static final String END = "<!-- catalog-table:end -->";

    private final String table = Catalog.builtin().describe();

    @Test
    void hasTheHeaderAndOneRowPerServer() {
        List<String> lines = table.lines().toList();
        assertEquals(
                "| server | recognised by | graceful signal | graceful timeout | default port | HTTP |", lines.get(0));
        assertEquals("| --- | --- | --- | --- | --- | --- |", lines.get(1));
        assertEquals(2 + Catalog.builtin().servers().size(), lines.size());
    }

    @Test
    void rowsShowTheCatalogFacts() {
        assertTrue(
                table.contains("| gunicorn | `gunicorn`, `gunicorn3`, `python -m gunicorn`, `airflow webserver`,"
                        + " `mlflow server` | SIGTERM | 30 s (`--graceful-timeout`) | 8000 | yes |\n"),
                table);
        assertTrue(
                table.contains("| uwsgi | `uwsgi`, `uwsgi_python3`, `uwsgi_python`, `sentry run web`,"
                        + " `label-studio-uwsgi` | SIGINT (SIGTERM with `--die-on-term`) | 60 s (`--worker-reload-mercy`)"
                        + " | — | with `--http`, `--http-socket` |\n"),
                table);
        assertTrue(
                table.contains("| uvicorn | `uvicorn`, `python -m uvicorn` with `--workers` | SIGTERM"
                        + " | none (`--timeout-graceful-shutdown`) | 8000 | yes |\n"),
                table);
        assertTrue(
                table.contains("| celery | `celery worker`, `python -m celery worker`, `airflow celery worker`"
                        + " | SIGTERM | none | — | no |\n"),
                table);
        assertTrue(table.contains("| php-fpm | `php-fpm`, `php-fpm*` | SIGQUIT | none | 9000 | no |\n"), table);
    }

    @Test
    void extensionEntriesAppearInTheTable() {
        String extended = Catalog.withExtra("""
                servers:
                  - name: waitress
                    executables: [waitress-serve]
                    gracefulSignal: SIGTERM
                    defaultPort: 8080
                    http: true
                """, "extra.yaml").describe();
        assertTrue(extended.endsWith("| waitress | `waitress-serve` | SIGTERM | none | 8080 | yes |\n"), extended);
    }

    @Test
    void readmeEmbedsTheCurrentTable() throws IOException {
        Path readme = Path.of("README.md");
        assumeTrue(
                Files.exists(readme) && Files.readString(readme).contains(BEGIN),
                "README.md has no " + BEGIN + " block yet");
        String text = Files.readString(readme);
        String embedded = text.substring(text.indexOf(BEGIN) + BEGIN.length() + 1, text.indexOf(END));
        assertEquals(table, embedded, "README.md's catalog table is stale: paste Catalog.builtin().describe()");
    }

    @Test
    void readmeEmbedsTheCurrentSidecarTable() throws IOException {
        String text = Files.readString(Path.of("README.md"));
        String begin = "<!-- sidecar-table:begin -->";
        String embedded =
                text.substring(text.indexOf(begin) + begin.length() + 1, text.indexOf("<!-- sidecar-table:end -->"));
        assertEquals(
                Catalog.builtin().describeSidecars(),
                embedded,
                "README.md's sidecar table is stale: paste Catalog.builtin().describeSidecars()");
    }
}
