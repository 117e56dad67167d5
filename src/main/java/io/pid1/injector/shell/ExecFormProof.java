package io.pid1.injector.shell;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Proves that a script is {@code [cd DIR &&]… [NAME=value…] [exec] program args…} with every word
 * known, so that it can run in exec form without a shell.
 */
final class ExecFormProof {

    private final Map<String, String> env;
    private final KubernetesWords words;

    ExecFormProof(Map<String, String> env) {
        this.env = env;
        this.words = new KubernetesWords(env);
    }

    /**
     * @param commands the script's commands
     * @param program  the last command's words without {@code exec}; not empty
     * @param argv     {@code program} as Kubernetes strings, when every word of it is proved
     */
    Optional<Reading.ExecForm> prove(List<Command> commands, List<Word> program, Optional<List<String>> argv) {
        for (Command command : commands.subList(1, commands.size())) {
            if (command.link() != Command.Link.AND) {
                return Optional.empty();
            }
        }
        Optional<Optional<String>> workingDir = workingDir(commands.subList(0, commands.size() - 1));
        if (workingDir.isEmpty() || program.get(0).literalText() == null) {
            return Optional.empty();
        }
        Command last = commands.get(commands.size() - 1);
        Optional<List<Reading.Assignment>> assignments = assignments(last.assignments(), program);
        if (assignments.isEmpty() || argv.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Reading.ExecForm(workingDir.get(), assignments.get(), argv.get()));
    }

    /** The directory after the {@code cd} commands (empty when there are none), or empty when unprovable. */
    private Optional<Optional<String>> workingDir(List<Command> cds) {
        StringBuilder dir = new StringBuilder();
        for (Command cd : cds) {
            Optional<String> target = cdTarget(cd);
            if (target.isEmpty()) {
                return Optional.empty();
            }
            String path = target.get();
            if (path.startsWith("/")) {
                dir.setLength(0);
                dir.append(path);
            } else if (dir.length() == 0 || env.containsKey("CDPATH")) {
                return Optional.empty();
            } else {
                appendRelative(dir, path);
            }
        }
        return Optional.of(dir.length() == 0 ? Optional.empty() : Optional.of(dir.toString()));
    }

    /** The literal directory of {@code cd DIR}, refusing options, {@code ..} and anything expanded. */
    private Optional<String> cdTarget(Command command) {
        if (!command.assignments().isEmpty() || command.words().size() != 2 || !"cd".equals(command.name())) {
            return Optional.empty();
        }
        Word target = command.words().get(1);
        if (target.literalText() == null) {
            return Optional.empty();
        }
        Optional<String> dir = words.render(target);
        if (dir.isEmpty() || !dir.get().equals(target.literalText())) {
            return Optional.empty();
        }
        String path = dir.get();
        if (path.isEmpty() || path.startsWith("-") || List.of(path.split("/")).contains("..")) {
            return Optional.empty();
        }
        return dir;
    }

    /** Appends a relative path without {@code .} segments, as {@code cd} would resolve it. */
    private static void appendRelative(StringBuilder dir, String relative) {
        for (String segment : relative.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                if (dir.charAt(dir.length() - 1) != '/') {
                    dir.append('/');
                }
                dir.append(segment);
            }
        }
    }

    private Optional<List<Reading.Assignment>> assignments(List<Word> prefixes, List<Word> program) {
        if (prefixes.isEmpty()) {
            return Optional.of(List.of());
        }
        Set<String> expanded = new HashSet<>();
        program.forEach(word -> expanded.addAll(KubernetesWords.parameters(word)));
        Set<String> names = new HashSet<>();
        List<Reading.Assignment> result = new ArrayList<>();
        for (Word prefix : prefixes) {
            String first = ((WordPart.Literal) prefix.parts().get(0)).text();
            String name = first.substring(0, first.indexOf('='));
            Optional<String> value = words.assignmentValue(prefix);
            if (value.isEmpty() || !names.add(name) || expanded.contains(name)) {
                return Optional.empty();
            }
            result.add(new Reading.Assignment(name, value.get()));
        }
        return Optional.of(List.copyOf(result));
    }
}
