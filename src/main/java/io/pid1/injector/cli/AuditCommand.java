package io.pid1.injector.cli;

import io.pid1.injector.cli.manifest.Audit;
import io.pid1.injector.cli.manifest.BadInputException;
import io.pid1.injector.cli.manifest.JsonReport;
import io.pid1.injector.cli.manifest.SarifReport;
import io.pid1.injector.cli.manifest.TableReport;
import io.pid1.injector.core.EngineSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit}: what {@code mutate} would change and why, per workload and container, with the
 * file and line of each container; exit 1 with {@code --fail-on finding} when anything is found.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Say what mutate would change in the manifests and why.")
final class AuditCommand implements Callable<Integer> {

    /** Output formats of {@code -o}. */
    enum Format {
        table,
        json,
        sarif
    }

    /** What makes {@code --fail-on} exit 1. */
    enum FailOn {
        finding
    }

    /** Exit code of {@code --fail-on} when it is met (docs/reference.md). */
    static final int FOUND = 1;

    @Mixin
    ManifestInput input;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "table",
            paramLabel = "FORMAT",
            description =
                    "table (for people), json (stable, for programs) or sarif (SARIF 2.1.0). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--fail-on", paramLabel = "finding", description = "Exit 1 when anything is found.")
    FailOn failOn;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Audit audit;
        try {
            audit = Audit.of(input.analyse(err));
        } catch (BadInputException e) {
            err.println("pid1-injector: " + e.getMessage());
            return Main.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(
                switch (format) {
                    case table -> TableReport.render(audit);
                    case json -> JsonReport.render(audit);
                    case sarif -> SarifReport.render(audit, EngineSettings.VERSION);
                });
        out.flush();
        return failOn != null && !audit.rows().isEmpty() ? FOUND : 0;
    }
}
