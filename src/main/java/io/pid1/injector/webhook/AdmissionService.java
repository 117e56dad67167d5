package io.pid1.injector.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pid1.injector.core.Finding;
import io.pid1.injector.core.Outcome;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.registry.ImageResolver;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Answers AdmissionReviews: never denies, never blocks a pod because of its own trouble. A body
 * that is not an AdmissionReview is a {@link ReviewException} (HTTP 400).
 */
@ApplicationScoped
public class AdmissionService {

    private static final Logger LOG = Logger.getLogger("pid1.admission");
    static final String INTERNAL_ERROR = "pid1: internal error while analysing this pod; admitted unchanged";

    private final PodFixer fixer;
    private final ImageResolver images;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final boolean auditMode;
    /** Meters are looked up once, not per request (a lookup builds and sorts the meter's tags). */
    private final Map<Endpoint, Timer> durations = new EnumMap<>(Endpoint.class);
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> fixCounters = new ConcurrentHashMap<>();

    AdmissionService(PodFixer fixer, ImageResolver images, ObjectMapper json, MeterRegistry metrics, WebhookConfig config) {
        this.fixer = fixer;
        this.images = images;
        this.json = json;
        this.metrics = metrics;
        this.auditMode = config.mode().trim().equalsIgnoreCase("audit");
        for (Endpoint endpoint : Endpoint.values()) {
            durations.put(endpoint, Timer.builder("pid1.request.duration").description("Time to answer one admission request")
                    .tag("endpoint", endpoint.id).publishPercentileHistogram().register(metrics));
        }
    }

    /** The response body for {@code body} posted to {@code endpoint}. */
    byte[] handle(byte[] body, Endpoint endpoint) throws ReviewException {
        Timer.Sample timer = Timer.start(metrics);
        String outcome = "bad_request";
        try {
            Review review = Review.of(parse(body));
            Answer answer = answer(review, endpoint);
            outcome = answer.outcome;
            return json.writeValueAsBytes(answer.review);
        } catch (JsonProcessingException e) {
            outcome = "error";
            throw new IllegalStateException("cannot write an AdmissionReview", e);
        } finally {
            timer.stop(durations.get(endpoint));
            String id = outcome;
            requests.computeIfAbsent(endpoint.id + ' ' + outcome,
                    key -> metrics.counter("pid1.requests", "endpoint", endpoint.id, "outcome", id)).increment();
        }
    }

    private record Answer(AdmissionReview review, String outcome) {
    }

    private Answer answer(Review review, Endpoint endpoint) {
        AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(review.uid()).withAllowed(true);
        if (!review.isPodCreate()) {
            return new Answer(wrap(review, response.build()), "skipped");
        }
        Outcome outcome;
        try {
            outcome = fixer.fix(review.pod(), images.resolve(review.pod()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "analysis failed for pod %s/%s (uid %s); admitted unchanged", review.namespace(),
                    review.podName(), review.uid());
            return new Answer(wrap(review, response.withWarnings(INTERNAL_ERROR).build()), "error");
        }
        List<String> lines = outcome.findings().stream().map(Finding::line).toList();
        boolean patch = endpoint == Endpoint.MUTATE && !auditMode && !outcome.reportOnly() && outcome.changed();
        if (patch) {
            response.withPatchType("JSONPatch")
                    .withPatch(Base64.getEncoder().encodeToString(bytes(outcome.patch())));
        }
        if (!lines.isEmpty()) {
            response.withWarnings(lines).withAuditAnnotations(auditAnnotations(outcome, lines, patch));
        }
        count(outcome, patch);
        LOG.infof("pod=%s/%s uid=%s endpoint=%s dryRun=%s patched=%s fixes=%s findings=%d", review.namespace(),
                review.podName(), review.uid(), endpoint.id, review.dryRun(), patch, fixesText(outcome), lines.size());
        return new Answer(wrap(review, response.build()), patch ? "patched" : outcome.changed() ? "audited" : "unchanged");
    }

    private byte[] bytes(JsonNode patch) {
        try {
            return json.writeValueAsBytes(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON Patch", e);
        }
    }

    private static Map<String, String> auditAnnotations(Outcome outcome, List<String> lines, boolean patched) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("findings", String.join("\n", lines));
        if (!outcome.applied().isEmpty()) {
            annotations.put(patched ? "fixes" : "would-fix", fixesText(outcome));
        }
        return annotations;
    }

    private void count(Outcome outcome, boolean patched) {
        if (!patched) {
            return;
        }
        outcome.applied().forEach((container, fixes) -> {
            String server = outcome.servers().getOrDefault(container, "pod");
            fixes.forEach(fix -> fixCounters.computeIfAbsent(fix + ' ' + server,
                    key -> metrics.counter("pid1.fixes", "fix", fix, "server", server)).increment());
        });
    }

    private static String fixesText(Outcome outcome) {
        return outcome.applied().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "pod" : e.getKey()) + ":" + String.join("+", e.getValue()))
                .collect(Collectors.joining(","));
    }

    private static AdmissionReview wrap(Review review, AdmissionResponse response) {
        return new AdmissionReviewBuilder().withApiVersion(review.apiVersion()).withKind(review.kind())
                .withResponse(response).build();
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

    private static String firstLine(String message) {
        String line = message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
        return line.length() > 100 ? line.substring(0, 100) : line;
    }
}
