package io.pid1.injector.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pid1.injector.core.ContainerOutcome;
import io.pid1.injector.core.Finding;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.Outcome;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.registry.ImageResolver;
import io.pid1.injector.text.OneLine;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Answers AdmissionReviews: never denies, never blocks a pod because of its own trouble. A body
 * that is not an AdmissionReview is a {@link ReviewException} (HTTP 400).
 */
@ApplicationScoped
public class AdmissionService {

    private static final Logger LOG = Logger.getLogger("pid1.admission");
    /**
     * Bodies up to this size are answered on the I/O thread: a typical pod's review is 2 to 20 KiB. Larger ones
     * go to {@link LargeReviews}, so that one slow review does not hold the small ones behind it.
     */
    static final int INLINE_BYTES = 32 * 1024;

    static final String INTERNAL_ERROR = "pid1: internal error while analysing this pod; admitted unchanged";
    static final String BUSY = "pid1: too many large pods under review at once; this one was admitted unchanged";
    static final String LATE = "pid1: not analysed within the API server's timeout; admitted unchanged";

    private final PodFixer fixer;
    private final ImageResolver images;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Executor workers;
    private final LargeReviews large;
    private final boolean auditMode;
    /** Meters are looked up once, not per request (a lookup builds and sorts the meter's tags). */
    private final Map<Endpoint, Timer> durations = new EnumMap<>(Endpoint.class);

    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> fixCounters = new ConcurrentHashMap<>();
    private final Map<ContainerOutcome.Kind, Counter> containerCounters = new EnumMap<>(ContainerOutcome.Kind.class);

    AdmissionService(
            PodFixer fixer,
            ImageResolver images,
            ObjectMapper json,
            MeterRegistry metrics,
            WebhookConfig config,
            ManagedExecutor workers,
            LargeReviews large) {
        this.fixer = fixer;
        this.workers = workers;
        this.large = large;
        this.images = images;
        this.json = json;
        this.metrics = metrics;
        this.auditMode = config.mode().trim().equalsIgnoreCase("audit");
        for (Endpoint endpoint : Endpoint.values()) {
            durations.put(
                    endpoint,
                    Timer.builder("pid1.request.duration")
                            .description("Time to answer one admission request")
                            .tag("endpoint", endpoint.id)
                            .publishPercentileHistogram()
                            .register(metrics));
        }
        for (ContainerOutcome.Kind kind : ContainerOutcome.Kind.values()) {
            containerCounters.put(
                    kind,
                    Counter.builder("pid1.containers")
                            .description("Containers of analysed pods, by what became of them")
                            .tag("outcome", kind.id())
                            .register(metrics));
        }
    }

    /**
     * The response body for {@code body} posted to {@code endpoint}, or a failed stage with a
     * {@link ReviewException} for a body that is not an AdmissionReview. A small review is answered on the
     * calling (I/O) thread unless it waits for its images' configuration; a large one on {@link LargeReviews}.
     * A review not answered by {@code deadline}, or that finds too many large ones waiting, admits the pod
     * unchanged with a warning.
     */
    CompletionStage<byte[]> handle(byte[] body, Endpoint endpoint, ReviewDeadline deadline) {
        Timer.Sample timer = Timer.start(metrics);
        CompletableFuture<Answer> answer;
        if (body == null || body.length <= INLINE_BYTES) {
            answer = respond(body, endpoint, false);
        } else {
            answer = new CompletableFuture<>();
            if (!large.offer(analyse(body, endpoint, deadline, answer))) {
                answer = unchanged(body, "busy", BUSY);
            }
        }
        return answer.orTimeout(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)
                .exceptionallyCompose(e -> e instanceof TimeoutException
                        ? unchanged(body, "late", LATE)
                        : CompletableFuture.failedFuture(e))
                .whenComplete((done, error) -> record(endpoint, timer, error == null ? done.outcome() : "bad_request"))
                .thenApply(done -> done.write(json));
    }

    /** The work of a large review: its lookups are awaited on the same thread, so the pool bounds them too. */
    private Runnable analyse(
            byte[] body, Endpoint endpoint, ReviewDeadline deadline, CompletableFuture<Answer> answer) {
        return () -> {
            if (answer.isDone()) {
                return;
            }
            if (deadline.passed()) {
                answer.completeExceptionally(new TimeoutException());
                return;
            }
            respond(body, endpoint, true).whenComplete((done, error) -> {
                if (error == null) {
                    answer.complete(done);
                } else {
                    answer.completeExceptionally(
                            error instanceof CompletionException wrapped ? wrapped.getCause() : error);
                }
            });
        };
    }

    /** An answer that admits the pod unchanged with {@code warning}, from the review's envelope alone. */
    private CompletableFuture<Answer> unchanged(byte[] body, String outcome, String warning) {
        try {
            Review review = ReviewEnvelope.read(json, body);
            LOG.warn("uid=" + LogText.of(review.uid()) + " " + warning.substring("pid1: ".length()));
            return CompletableFuture.completedFuture(Answer.allowed(review, outcome, List.of(warning)));
        } catch (ReviewException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Answer> respond(byte[] body, Endpoint endpoint, boolean waitHere) {
        Review review;
        try {
            review = Review.of(parse(body));
        } catch (ReviewException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!review.isPodCreate()) {
            return CompletableFuture.completedFuture(Answer.allowed(review, "skipped", List.of()));
        }
        CompletableFuture<ImageFacts> facts = images.resolveAsync(review.pod());
        return facts.isDone() || waitHere
                ? CompletableFuture.completedFuture(answer(review, endpoint, facts.join()))
                : facts.thenApplyAsync(known -> answer(review, endpoint, known), workers);
    }

    /** gunicorn under {@code sh -c}, with a working directory and a variable: every default fix applies. */
    static final byte[] WARM_UP_REVIEW = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"pid1-warm-up",
             "resource":{"group":"","version":"v1","resource":"pods"},"namespace":"default","operation":"CREATE",
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warm-up",
              "annotations":{"pid1.io/health-path":"/health"}},
              "spec":{"containers":[{"name":"web","image":"python:3.12",
               "command":["sh","-c","cd /app && exec gunicorn app:app -w 4 -b 0.0.0.0:$PORT"],
               "env":[{"name":"PORT","value":"8000"}],"ports":[{"containerPort":8000}]}]}}}}
            """.getBytes(StandardCharsets.UTF_8);

    /** Runs {@link #WARM_UP_REVIEW} as {@link #warmUp(byte[])} does: what the server's warm-up runs once at start. */
    public void warmUp() {
        try {
            warmUp(WARM_UP_REVIEW);
        } catch (ReviewException e) {
            throw new IllegalStateException("the built-in warm-up review is refused: " + e.getMessage(), e);
        }
    }

    /**
     * {@code body} through the parse, the registry resolver, the engine and the answer as a review would go,
     * without its log line or metrics: what the server's warm-up runs once at start. Its containers name their
     * command, so the resolver is made and asked but looks nothing up.
     */
    Answer warmUp(byte[] body) throws ReviewException {
        Review review = Review.of(parse(body));
        Outcome outcome =
                fixer.fix(review.pod(), images.resolveAsync(review.pod()).join());
        List<String> lines = outcome.findings().stream().map(Finding::line).toList();
        Answer answer = new Answer(review, Optional.of(outcome.patch()), lines, Map.of(), "warm-up");
        answer.write(json);
        return answer;
    }

    private void record(Endpoint endpoint, Timer.Sample timer, String outcome) {
        timer.stop(durations.get(endpoint));
        requests.computeIfAbsent(
                        endpoint.id + ' ' + outcome,
                        key -> metrics.counter("pid1.requests", "endpoint", endpoint.id, "outcome", outcome))
                .increment();
    }

    private Answer answer(Review review, Endpoint endpoint, ImageFacts facts) {
        Outcome outcome;
        try {
            outcome = fixer.fix(review.pod(), facts);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "analysis failed for pod %s/%s (uid %s); admitted unchanged",
                    LogText.of(review.namespace()),
                    LogText.of(review.podName()),
                    LogText.of(review.uid()));
            return Answer.allowed(review, "error", List.of(INTERNAL_ERROR));
        }
        List<String> lines = outcome.findings().stream().map(Finding::line).toList();
        boolean patch = endpoint == Endpoint.MUTATE && !auditMode && !outcome.reportOnly() && outcome.changed();
        count(outcome, patch);
        String fixes = fixesText(outcome);
        LOG.info(logLine(review, endpoint, patch, fixes, lines.size()));
        List<String> containers =
                outcome.containers().stream().map(ContainerOutcome::line).toList();
        return new Answer(
                review,
                patch ? Optional.of(outcome.patch()) : Optional.empty(),
                AnswerCaps.warnings(lines),
                lines.isEmpty() && containers.isEmpty() ? Map.of() : auditAnnotations(fixes, lines, containers, patch),
                patch ? "patched" : outcome.changed() ? "audited" : "unchanged");
    }

    /**
     * The per-pod log line, concatenated: {@code String.format} for each pod showed among the samples under load.
     * Every value from the review goes through {@link LogText}, so that none can forge a line.
     */
    private static String logLine(Review review, Endpoint endpoint, boolean patched, String fixes, int findings) {
        return "pod=" + LogText.of(review.namespace()) + '/' + LogText.of(review.podName()) + " uid="
                + LogText.of(review.uid()) + " endpoint=" + endpoint.id
                + " dryRun=" + review.dryRun() + " patched=" + patched + " fixes=" + fixes + " findings=" + findings;
    }

    private static Map<String, String> auditAnnotations(
            String fixes, List<String> lines, List<String> containers, boolean patched) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (!lines.isEmpty()) {
            annotations.put("findings", AnswerCaps.annotation(lines));
        }
        if (!containers.isEmpty()) {
            annotations.put("containers", AnswerCaps.annotation(containers));
        }
        if (!fixes.isEmpty()) {
            annotations.put(patched ? "fixes" : "would-fix", fixes);
        }
        return annotations;
    }

    private void count(Outcome outcome, boolean patched) {
        outcome.containers()
                .forEach(container -> containerCounters.get(container.kind()).increment());
        if (!patched) {
            return;
        }
        outcome.applied().forEach((container, fixes) -> {
            String server = outcome.servers().getOrDefault(container, "pod");
            fixes.forEach(fix -> fixCounters
                    .computeIfAbsent(
                            fix + ' ' + server, key -> metrics.counter("pid1.fixes", "fix", fix, "server", server))
                    .increment());
        });
    }

    /** Container names are the pod author's: made safe for the log line by {@link LogText}. */
    private static String fixesText(Outcome outcome) {
        return outcome.applied().entrySet().stream()
                .map(e ->
                        (e.getKey().isEmpty() ? "pod" : LogText.of(e.getKey())) + ":" + String.join("+", e.getValue()))
                .collect(Collectors.joining(","));
    }

    private JsonNode parse(byte[] body) throws ReviewException {
        if (body == null || body.length == 0) {
            throw new ReviewException("empty body; expected an AdmissionReview");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
            throw new ReviewException("body is not JSON: " + firstLine(message));
        }
    }

    /** The first line of a parser's message, cut: the client's text must not fill the answer. */
    static String firstLine(String message) {
        return OneLine.of(message, "unreadable", 100);
    }
}
