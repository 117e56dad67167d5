package io.pid1.injector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pid1.injector.core.ImageFacts;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import picocli.CommandLine;

/** One run of {@code pid1-injector} in this JVM with captured stdout and stderr. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        return with("", false, args);
    }

    /** A run whose stdin holds {@code stdin} and whose stderr is a terminal when {@code terminal}. */
    static CliRun with(String stdin, boolean terminal, String... args) {
        return with(stdin, terminal, pod -> ImageFacts.none(), args);
    }

    /** A run whose image lookups answer with {@code images}. */
    static CliRun with(String stdin, boolean terminal, Function<JsonNode, ImageFacts> images, String... args) {
        CommandLine cli = Main.commandLine();
        for (String name : new String[] {"mutate", "audit"}) {
            Object command = cli.getSubcommands().get(name).getCommand();
            ManifestInput input = command instanceof MutateCommand m ? m.input : ((AuditCommand) command).input;
            input.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            input.terminal = () -> terminal;
            input.images = images;
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
