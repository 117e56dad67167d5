package io.pid1.injector.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random scripts of the supported constructs, run by real dash: a rewrite prints what the
 * original prints, and the rewritten script's last command is exec'd (its parent is this JVM).
 */
class DashPropertyTest {

    private static final List<String> WORDS = List.of(
            "plain",
            "'single  q'",
            "\"dq $PORT\"",
            "$NOPE",
            "\"$NOPE\"",
            "$SPACED",
            "\"$SPACED\"",
            "${NOPE:-def}",
            "\"${EMPTY:-x y}\"",
            "${PORT-1}",
            "a\\ b",
            "$1",
            "\"$@\"",
            "~",
            "~/x",
            "$((1 + 2))",
            "'#'",
            "x#y",
            "\\$PORT",
            "{a,b}",
            "$GLOB",
            "\"$X\"",
            "$EMPTY",
            "''",
            "'$(PORT)'",
            "\"$DOLLARS\"",
            "-w",
            "--bind=:$PORT",
            "\"a\\\"b\"",
            "$");
    private static final List<String> FIRST_COMMANDS = List.of(
            "printf '%s\\n' ",
            "/usr/bin/printf '[%s]\\n' ",
            "X=val ",
            "export A=exported ",
            "cd / ",
            "cd /usr ",
            "cd bin ",
            "true ",
            "false ",
            "A=local ");
    private static final List<String> SEPARATORS =
            List.of(" && ", "; ", "\n", " &&\n  ", ";\n# a comment\n", " \\\n && ");

    @TempDir
    Path dir;

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void rewritePrintsWhatTheOriginalPrints(int seed) throws Exception {
        Dash dash = new Dash(dir);
        String script = randomScript(new Random(seed), dash.show.toString());
        Reading reading = ShellReader.read(script, Dash.ENV);
        String original = dash.shell(script);
        String rewritten;
        if (reading instanceof Reading.ExecForm form) {
            rewritten = dash.execForm(form);
        } else {
            Reading.ExecPrefixed prefixed = assertInstanceOf(Reading.ExecPrefixed.class, reading, script);
            assertEquals(script, removeInsertedExec(prefixed.script(), script), "only exec is inserted");
            rewritten = dash.shell(prefixed.script());
        }
        assertEquals(Dash.withoutParent(original), Dash.withoutParent(rewritten), script);
        assertFalse(rewritten.contains("parent=shell"), rewritten);
        assertTrue(rewritten.contains("parent=java") || !original.contains("parent="), rewritten);
    }

    /** The script with one {@code "exec "} taken out where it differs from the original. */
    private static String removeInsertedExec(String prefixed, String original) {
        int at = 0;
        while (at < original.length() && prefixed.charAt(at) == original.charAt(at)) {
            at++;
        }
        return prefixed.startsWith("exec ", at) ? prefixed.substring(0, at) + prefixed.substring(at + 5) : prefixed;
    }

    private static String randomScript(Random random, String show) {
        StringBuilder script = new StringBuilder();
        if (random.nextInt(4) == 0) {
            script.append("# leading comment\n");
        }
        int commands = random.nextInt(3);
        for (int i = 0; i < commands; i++) {
            script.append(pick(random, FIRST_COMMANDS))
                    .append(randomWords(random, 2))
                    .append(pick(random, SEPARATORS));
        }
        if (random.nextBoolean()) {
            script.append("A=")
                    .append(pick(random, List.of("1", "'x y'", "\"$PORT\"", "$X")))
                    .append(' ');
        }
        script.append(show).append(' ').append(randomWords(random, 4));
        if (random.nextInt(3) == 0) {
            script.append(pick(random, List.of(" # trailing comment", ";", "\n\n")));
        }
        return script.toString();
    }

    private static String randomWords(Random random, int max) {
        StringBuilder words = new StringBuilder();
        int count = random.nextInt(max + 1);
        for (int i = 0; i < count; i++) {
            words.append(pick(random, WORDS)).append(random.nextInt(6) == 0 ? " \\\n  " : " ");
        }
        return words.toString();
    }

    private static String pick(Random random, List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
