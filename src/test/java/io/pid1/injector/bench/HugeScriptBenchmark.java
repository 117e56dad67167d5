package io.pid1.injector.bench;

import io.pid1.injector.shell.Reading;
import io.pid1.injector.shell.ShellReader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code sh -c} reader on hostile scripts of 200,000 repetitions, the timing that {@code ShellReaderFuzzTest}
 * no longer asserts (it checks that the work grows linearly instead). {@code bench/jmh.sh HugeScript}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HugeScriptBenchmark {

    private static final int N = 200_000;

    /** Named {@code size} as in {@link PodFixerBenchmark}, so that {@code bench/jmh.sh} prints the same table. */
    @Param({"words", "commands", "cd", "quotes", "continuations", "expansions", "comments"})
    public String size;

    private String script;

    @Setup
    public void setUp() {
        script = switch (size) {
            case "words" -> "gunicorn " + "a ".repeat(N);
            case "commands" -> "a && ".repeat(N) + "gunicorn";
            case "cd" -> "cd /a" + " && cd b".repeat(N) + " && gunicorn";
            case "quotes" -> "gunicorn " + "'x'\"y\"".repeat(N);
            case "continuations" -> "gunicorn " + "\\\n".repeat(N) + "x";
            case "expansions" -> "gunicorn " + "$PORT$".repeat(N);
            case "comments" -> "# x\n".repeat(N) + "gunicorn";
            default -> throw new IllegalArgumentException(size);
        };
    }

    @Benchmark
    public Reading read() {
        return ShellReader.read(script, Map.of("PORT", "8000"));
    }
}
