package io.pid1.injector.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Random and hostile input: the reader never throws, stays fast, and what it accepts dash agrees with. */
class ShellReaderFuzzTest {

    private static final String SHELL_CHARS = "ab $${}()'\"\\\n;&|<>#*?[]~=:-\t01@`!%+/.,";

    @TempDir
    Path dir;

    @Test
    void neverThrowsOnRandomInput() {
        Random random = new Random(42);
        for (int i = 0; i < 50_000; i++) {
            String script = randomString(random, i % 2 == 0 ? SHELL_CHARS : null, 1 + random.nextInt(60));
            Reading reading = ShellReader.read(script, ShellReaderTest.ENV);
            assertNotNull(reading.lastCommand(), script);
            if (reading instanceof Reading.ExecPrefixed prefixed) {
                assertEquals(script.length() + "exec ".length(), prefixed.script().length(), script);
            }
            if (reading instanceof Reading.ExecForm form) {
                assertFalse(form.argv().isEmpty(), script);
            }
        }
    }

    @Test
    void acceptedRandomScriptsBehaveTheSameUnderDash() throws Exception {
        Dash dash = new Dash(dir);
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            String script = dash.show + " " + randomString(random, SHELL_CHARS, 1 + random.nextInt(20));
            Reading reading = ShellReader.read(script, Dash.ENV);
            if (script.contains("$$")) {
                continue; // the shell's process id differs from run to run
            }
            if (reading instanceof Reading.ExecForm form) {
                assertEquals(Dash.stdoutAndStatus(dash.shell(script)), Dash.stdoutAndStatus(dash.execForm(form)),
                        script);
            } else if (reading instanceof Reading.ExecPrefixed prefixed) {
                assertEquals(Dash.stdoutAndStatus(dash.shell(script)),
                        Dash.stdoutAndStatus(dash.shell(prefixed.script())), script);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeInputs")
    void hugeInputIsReadInBoundedTime(String name, String script) {
        Reading reading = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> ShellReader.read(script, ShellReaderTest.ENV));
        assertNotNull(reading);
    }

    static Stream<Arguments> hugeInputs() {
        int n = 200_000;
        return Stream.of(
                Arguments.of("many words", "gunicorn " + "a ".repeat(n)),
                Arguments.of("many commands", "a && ".repeat(n) + "gunicorn"),
                Arguments.of("many cd", "cd /a" + " && cd b".repeat(n) + " && gunicorn"),
                Arguments.of("many quotes", "gunicorn " + "'x'\"y\"".repeat(n)),
                Arguments.of("unterminated quotes", "'".repeat(2 * n + 1) + "\"".repeat(2 * n + 1)),
                Arguments.of("continuations", "gunicorn " + "\\\n".repeat(n) + "x"),
                Arguments.of("nested expansions", "gunicorn " + "${X:-".repeat(n)),
                Arguments.of("arithmetic", "gunicorn $((" + "(".repeat(n) + "1" + ")".repeat(n) + "))"),
                Arguments.of("many expansions", "gunicorn " + "$PORT$".repeat(n)),
                Arguments.of("comments", "# x\n".repeat(n) + "gunicorn"),
                Arguments.of("newlines", "\n".repeat(n) + "gunicorn" + "\n".repeat(n)));
    }

    /** A random string over {@code alphabet}, or over all of UTF-16 when it is null. */
    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet == null ? (char) random.nextInt(Character.MAX_VALUE + 1)
                    : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
