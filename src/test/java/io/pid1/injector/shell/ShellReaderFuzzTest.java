package io.pid1.injector.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and hostile input: the reader never throws, its work grows linearly with the input, and what it accepts
 * dash agrees with.
 */
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
                assertEquals(
                        script.length() + "exec ".length(), prefixed.script().length(), script);
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
                assertEquals(
                        Dash.stdoutAndStatus(dash.shell(script)), Dash.stdoutAndStatus(dash.execForm(form)), script);
            } else if (reading instanceof Reading.ExecPrefixed prefixed) {
                assertEquals(
                        Dash.stdoutAndStatus(dash.shell(script)),
                        Dash.stdoutAndStatus(dash.shell(prefixed.script())),
                        script);
            }
        }
    }

    /**
     * Work is counted as the bytes the reading thread allocates, which other processes' load does not change: from
     * an input of n to one of 8n it may grow about 8 times (linear), never the 64 times of a quadratic reader. The
     * scaling is checked on sizes a quadratic reader still gets through; then the huge input is read. A wall-clock
     * limit here failed under load; the reader's speed is measured in bench/README.md.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeInputs")
    void hugeInputIsReadWithWorkLinearInItsSize(String name, IntFunction<String> script) {
        long small = allocatedWhileReading(script.apply(5_000));
        long large = allocatedWhileReading(script.apply(40_000));
        assertTrue(
                large <= 16 * small + 64 * 1024,
                name + ": " + small + " bytes for n, " + large + " for 8n: more than linear");
        assertNotNull(ShellReader.read(script.apply(200_000), ShellReaderTest.ENV));
    }

    /** Bytes the current thread allocates while reading {@code script}, after one reading to warm up. */
    private static long allocatedWhileReading(String script) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertNotNull(ShellReader.read(script, ShellReaderTest.ENV));
        long before = threads.getCurrentThreadAllocatedBytes();
        assertNotNull(ShellReader.read(script, ShellReaderTest.ENV));
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    static Stream<Arguments> hugeInputs() {
        return Stream.of(
                Arguments.of("many words", (IntFunction<String>) n -> "gunicorn " + "a ".repeat(n)),
                Arguments.of("many commands", (IntFunction<String>) n -> "a && ".repeat(n) + "gunicorn"),
                Arguments.of("many cd", (IntFunction<String>) n -> "cd /a" + " && cd b".repeat(n) + " && gunicorn"),
                Arguments.of("many quotes", (IntFunction<String>) n -> "gunicorn " + "'x'\"y\"".repeat(n)),
                Arguments.of("unterminated quotes", (IntFunction<String>)
                        n -> "'".repeat(2 * n + 1) + "\"".repeat(2 * n + 1)),
                Arguments.of("continuations", (IntFunction<String>) n -> "gunicorn " + "\\\n".repeat(n) + "x"),
                Arguments.of("nested expansions", (IntFunction<String>) n -> "gunicorn " + "${X:-".repeat(n)),
                Arguments.of("arithmetic", (IntFunction<String>)
                        n -> "gunicorn $((" + "(".repeat(n) + "1" + ")".repeat(n) + "))"),
                Arguments.of("many expansions", (IntFunction<String>) n -> "gunicorn " + "$PORT$".repeat(n)),
                Arguments.of("comments", (IntFunction<String>) n -> "# x\n".repeat(n) + "gunicorn"),
                Arguments.of("newlines", (IntFunction<String>) n -> "\n".repeat(n) + "gunicorn" + "\n".repeat(n)));
    }

    /** A random string over {@code alphabet}, or over all of UTF-16 when it is null. */
    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(
                    alphabet == null
                            ? (char) random.nextInt(Character.MAX_VALUE + 1)
                            : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
