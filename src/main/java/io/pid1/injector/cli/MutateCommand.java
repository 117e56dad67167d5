package io.pid1.injector.cli;

import io.pid1.injector.cli.manifest.BadInputException;
import io.pid1.injector.cli.manifest.ManifestFixer;
import io.pid1.injector.cli.manifest.YamlOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mutate}: prints the manifests with every pod template fixed, as the webhook would fix
 * the pods; other documents, and workloads with nothing to fix, are printed as they were read.
 * Nothing is printed unless all the input could be read.
 */
@Command(name = "mutate", mixinStandardHelpOptions = true,
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
        return 0;
    }
}
