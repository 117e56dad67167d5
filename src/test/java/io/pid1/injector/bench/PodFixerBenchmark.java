package io.pid1.injector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.core.EngineSettings;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.Outcome;
import io.pid1.injector.core.PodFixer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on one thread: analysis + fix + patch of a pod ({@code fix}), and the same from the
 * request's bytes to the patch's bytes ({@code review}), which adds JSON parsing and writing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PodFixerBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"small", "typical", "large"})
    public String size;

    private PodFixer fixer;
    private ObjectNode pod;
    private byte[] reviewBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixer = new PodFixer(Catalog.builtin(), EngineSettings.defaults());
        pod = BenchPods.named(size);
        reviewBytes = JSON.writeValueAsBytes(BenchPods.review(pod));
        if (!fixer.fix(pod, ImageFacts.none()).changed()) {
            throw new IllegalStateException("the " + size + " pod needs no fix; the benchmark would measure nothing");
        }
    }

    @Benchmark
    public Outcome fix() {
        return fixer.fix(pod, ImageFacts.none());
    }

    @Benchmark
    public byte[] review() throws IOException {
        JsonNode request = JSON.readTree(reviewBytes).path("request");
        Outcome outcome = fixer.fix(request.path("object"), ImageFacts.none());
        return JSON.writeValueAsBytes(outcome.patch());
    }
}
