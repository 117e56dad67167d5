package io.pid1.injector.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link EnvOption}: a flag given through the env, which an entrypoint script cannot drop. */
class EnvOptionTest {

    private static final Catalog CATALOG = Catalog.builtin();

    private static Server server(String name) {
        return CATALOG.servers().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void uwsgiTakesEachLongFlagAsItsOwnVariable() {
        assertEquals(
                Optional.of(new EnvOption("UWSGI_DIE_ON_TERM", "true")),
                EnvOption.of(server("uwsgi"), "--die-on-term", Map.of()));
    }

    @Test
    void gunicornGetsTheFlagAppendedToItsArgumentsVariable() {
        assertEquals(
                Optional.of(new EnvOption("GUNICORN_CMD_ARGS", "--preload")),
                EnvOption.of(server("gunicorn"), "--preload", Map.of()));
        assertEquals(
                Optional.of(new EnvOption("GUNICORN_CMD_ARGS", "-w 3 --preload")),
                EnvOption.of(server("gunicorn"), "--preload", Map.of("GUNICORN_CMD_ARGS", " -w 3 ")));
    }

    @Test
    void aVariableSetFromElsewhereIsNeverOverwritten() {
        Map<String, String> env = new HashMap<>();
        env.put("GUNICORN_CMD_ARGS", null);
        env.put("UWSGI_DIE_ON_TERM", null);

        assertEquals(Optional.empty(), EnvOption.of(server("gunicorn"), "--preload", env));
        assertEquals(Optional.empty(), EnvOption.of(server("uwsgi"), "--die-on-term", env));
    }

    @Test
    void anAuthorsOwnOptionVariableIsLeftAsTheySetIt() {
        assertEquals(
                Optional.empty(), EnvOption.of(server("uwsgi"), "--die-on-term", Map.of("UWSGI_DIE_ON_TERM", "0")));
    }

    @Test
    void aServerThatReadsNoOptionFromItsEnvGetsNone() {
        assertEquals(Optional.empty(), EnvOption.of(server("puma"), "--die-on-term", Map.of()));
    }

    @Test
    void theEnvSetsAFlagOnlyWithATrueValue() {
        assertTrue(EnvOption.sets(server("uwsgi"), "--die-on-term", Map.of("UWSGI_DIE_ON_TERM", "1")));
        assertFalse(EnvOption.sets(server("uwsgi"), "--die-on-term", Map.of("UWSGI_DIE_ON_TERM", "false")));
        assertTrue(EnvOption.sets(server("gunicorn"), "--preload", Map.of("GUNICORN_CMD_ARGS", "-w 2 --preload")));
        assertFalse(EnvOption.sets(server("uwsgi"), "--die-on-term", Map.of()));
    }
}
