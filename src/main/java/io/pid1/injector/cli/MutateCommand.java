package io.pid1.injector.cli;

import io.pid1.injector.cli.manifest.Audit;
import io.pid1.injector.cli.manifest.BadInputException;
import io.pid1.injector.cli.manifest.ContainerRow;
import io.pid1.injector.cli.manifest.ManifestFixer;
import io.pid1.injector.cli.manifest.YamlOutput;
import io.pid1.injector.core.ContainerOutcome;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mutate}: prints the manifests with every pod template fixed, as the webhook would fix
 * the pods; other documents, and workloads with nothing to fix, are printed as they were read.
 * Nothing is printed unless all the input could be read. A container whose command could not be
 * read (its image not looked up with {@code --offline}, an entrypoint script…) is printed unchanged
 * and named on stderr, followed by the audit's summary line, so that none passes unchanged in silence.
 */
@Command(
        name = "mutate",
        mixinStandardHelpOptions = true,
        description = "Print the manifests with every pod template fixed (for kubectl apply -f -).")
final class MutateCommand implements Callable<Integer> {

    @Mixin
    ManifestInput input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<ManifestFixer.Fixed> documents;
        try {
            documents = input.analyse(err);
        } catch (BadInputException e) {
            err.println("pid1-injector: " + e.getMessage());
            return Main.USAGE;
        }
        List<String> texts = documents.stream()
                .map(d -> d.fixed() == null ? d.document().text() : YamlOutput.render(d.document(), d.fixed()))
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        out.print(YamlOutput.stream(texts));
        out.flush();
        Audit audit = Audit.of(documents);
        List<ContainerRow> unread = audit.containers().stream()
                .filter(row -> row.outcome().kind() == ContainerOutcome.Kind.NOT_UNDERSTOOD)
                .toList();
        for (ContainerRow row : unread) {
            err.println("pid1-injector: " + row.file() + ":" + row.line() + ": "
                    + row.workload().id() + ": " + row.outcome().line().substring("pid1: ".length())
                    + "; left as it is");
        }
        if (!unread.isEmpty()) {
            err.println("pid1-injector: " + audit.summary());
        }
        err.flush();
        return 0;
    }
}
