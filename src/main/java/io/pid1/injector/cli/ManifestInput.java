package io.pid1.injector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.cli.manifest.BadInputException;
import io.pid1.injector.cli.manifest.Document;
import io.pid1.injector.cli.manifest.ManifestFixer;
import io.pid1.injector.cli.manifest.ManifestReader;
import io.pid1.injector.cli.manifest.Progress;
import io.pid1.injector.core.ImageFacts;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.registry.ImageResolver;
import io.pid1.injector.webhook.WebhookConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The input options of {@code mutate} and {@code audit}, and the engine run over it. */
final class ManifestInput {

    @Option(
            names = {"-f", "--filename"},
            required = true,
            paramLabel = "FILE|DIR|-",
            description =
                    "Manifests to read: a file, a directory (*.yaml, *.yml, *.json, recursively) or - for stdin. Repeatable.")
    List<String> inputs;

    @Option(
            names = "--catalog",
            paramLabel = "FILE",
            description = "YAML with catalog entries added to (or replacing) the built-in ones "
                    + "(else PID1_CATALOG_FILE, as in the webhook).")
    Path catalog;

    @Option(
            names = "--offline",
            description = "Never read image configurations from a registry "
                    + "(else PID1_REGISTRY_* apply, as in the webhook).")
    boolean offline;

    /** Where {@code -} reads from. */
    InputStream stdin = System.in;

    /** How images are looked up; by default as the webhook does, from PID1_REGISTRY_* settings. */
    Function<JsonNode, ImageFacts> images;

    /** Whether stderr is a terminal (progress is shown only there). */
    BooleanSupplier terminal = () -> System.console() != null;

    /**
     * Every document of the input after the engine, in order. The engine is the webhook's: built from the same
     * configuration ({@code PID1_*}, {@link WebhookConfig#fromEnvironment()}).
     */
    List<ManifestFixer.Fixed> analyse(PrintWriter err) throws BadInputException {
        List<Document> documents = new ManifestReader(stdin, Path.of("")).read(inputs);
        WebhookConfig config = WebhookConfig.fromEnvironment();
        PodFixer engine =
                new PodFixer(catalog == null ? config.catalog() : Catalog.load(catalog), config.engineSettings());
        ManifestFixer fixer = new ManifestFixer(engine, offline ? pod -> ImageFacts.notLookedUp() : images(config));
        Progress progress = new Progress(err, documents.size(), terminal.getAsBoolean());
        List<ManifestFixer.Fixed> fixed = new ArrayList<>(documents.size());
        for (Document document : documents) {
            fixed.add(fixer.fix(document));
            progress.update(fixed.size());
        }
        return fixed;
    }

    private Function<JsonNode, ImageFacts> images(WebhookConfig config) {
        if (images == null) {
            ImageResolver resolver = ImageResolver.create(config.registry().settings());
            images = resolver::resolve;
        }
        return images;
    }
}
