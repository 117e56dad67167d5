package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Catalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pure core: a pod as received (+ resolved image facts) to the fixed pod, its patch and the
 * findings. No I/O; the webhook, the CLI and the warm-up call it alike. The {@code pid1-shim} sidecar it
 * injects is a program of its own ({@code shim/} uses nothing of this package). The one value it does not
 * derive from its input is a shim pod's drain token, which must be unguessable.
 */
public class PodFixer {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final Catalog catalog;
    private final EngineSettings settings;
    private final Supplier<String> shimTokens;
    /** Every fix, in the order it runs on each container and then on the pod (the README's table). */
    private final List<Fix> fixes;

    public PodFixer(Catalog catalog, EngineSettings settings) {
        this(catalog, settings, DrainToken::random);
    }

    /** With {@code shimTokens} as the source of {@code pid1-shim} drain tokens (tests fix it). */
    PodFixer(Catalog catalog, EngineSettings settings, Supplier<String> shimTokens) {
        this.catalog = catalog;
        this.settings = settings;
        this.shimTokens = shimTokens;
        this.fixes = List.of(
                new ExecFix(),
                new InitFix(),
                new ShimFix(),
                new SignalFix(),
                new ProbesFix(),
                new PreStopFix(),
                new DigestPin(),
                new PidNsFix(),
                new SidecarsFix(catalog));
    }

    /**
     * Each container's first finding a fix only reported: why a recognised server was left as it is. One pass over
     * the findings for all containers, not one per container.
     */
    private static Map<String, Finding> firstReports(List<Finding> findings) {
        Map<String, Finding> first = new HashMap<>();
        for (Finding f : findings) {
            if (!f.applied() && f.fix().isPresent() && f.container().isPresent()) {
                first.putIfAbsent(f.container().get(), f);
            }
        }
        return first;
    }

    public Outcome fix(JsonNode pod, ImageFacts images) {
        if (!(pod instanceof ObjectNode)) {
            throw new IllegalArgumentException("the object is not a JSON object");
        }
        PodOptions options = new PodOptions(pod, settings);
        if (options.inject() == PodOptions.Inject.DISABLED) {
            return new Outcome(pod, JSON.createArrayNode(), options.findings(), Map.of(), Map.of(), false, List.of());
        }
        Optional<Finding> excluded = PodExclusion.of(pod);
        if (excluded.isPresent()) {
            List<Finding> findings = new ArrayList<>(options.findings());
            findings.add(excluded.get());
            return new Outcome(pod, JSON.createArrayNode(), findings, Map.of(), Map.of(), false, List.of());
        }
        ObjectNode fixed = pod.deepCopy();
        PodDraft draft = new PodDraft(fixed, options, settings, shimTokens);
        Status status = draft.status;
        Map<String, String> servers = new LinkedHashMap<>();
        // Decided once every fix has run, the pod steps included (a sidecar they move is fixed); given each
        // container's first reported finding.
        List<Function<Map<String, Finding>, ContainerOutcome>> outcomes = new ArrayList<>();
        for (JsonNode node : draft.spec.path("containers")) {
            if (!(node instanceof ObjectNode container)) {
                continue;
            }
            if (status.covers(container.path("name").asText())) {
                ContainerOutcome earlier =
                        OutcomeOfContainer.fixedEarlier(container.path("name").asText());
                outcomes.add(reports -> earlier);
                continue;
            }
            String image = container.path("image").asText("");
            ContainerDraft c = ContainerDraft.analyse(container, images.config(image), catalog);
            outcomes.add(reports ->
                    OutcomeOfContainer.decide(draft, c, Optional.ofNullable(reports.get(c.name)), images, image));
            images.failure(image)
                    .ifPresent(reason -> draft.reportContainer(c, "image " + image + " unreadable: " + reason));
            if (c.tooLong()) {
                draft.reportContainer(
                        c,
                        "command is over " + ContainerDraft.MAX_COMMAND_CHARS / 1024 + " KiB; not read, left as it is");
            }
            if (!c.inScope()) {
                continue;
            }
            servers.put(c.name, c.subject());
            if (c.server().isPresent()) {
                draft.servesKnownServer();
            }
            for (Fix fix : fixes) {
                if (options.enabled(fix.kind())) {
                    fix.apply(draft, c);
                }
            }
        }
        if (!servers.isEmpty()) {
            draft.binariesTaken.ifPresent(taken -> draft.reportPod(FixKind.INIT, taken));
            draft.shimTaken
                    .filter(taken -> options.init() == InitMode.SHIM)
                    .ifPresent(taken -> draft.reportPod(FixKind.SHIM, taken));
        }
        for (Fix fix : fixes) {
            if (options.enabled(fix.kind())) {
                fix.applyToPod(draft);
            }
        }
        Map<String, List<String>> applied = draft.applied();
        List<Finding> findings = new ArrayList<>(options.findings());
        findings.addAll(draft.findings());
        Map<String, Finding> reports = firstReports(draft.findings());
        List<ContainerOutcome> containers =
                outcomes.stream().map(outcome -> outcome.apply(reports)).toList();
        boolean reportOnly = options.inject() == PodOptions.Inject.AUDIT;
        if (applied.isEmpty()) {
            return new Outcome(pod, JSON.createArrayNode(), findings, applied, servers, reportOnly, containers);
        }
        status.record(fixed, applied, settings.version());
        return new Outcome(fixed, Patch.diff(pod, fixed), findings, applied, servers, reportOnly, containers);
    }
}
