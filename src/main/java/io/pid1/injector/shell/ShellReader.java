package io.pid1.injector.shell;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A conservative reader of POSIX {@code sh -c} scripts: it proves a rewrite or refuses.
 *
 * <p>It reads words, quotes, backslash escapes, comments, line continuations, {@code ;},
 * {@code &&} and newlines, {@code NAME=value} prefixes, {@code exec}, {@code cd} and the
 * expansions {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}} and {@code ${VAR-word}}. Anything
 * else (pipes, {@code ||}, redirections, subshells, command substitution, control flow,
 * {@code set}, {@code trap}, {@code eval}, …) is {@link Reading.Refused refused} with a reason.
 * Any input, however large or broken, is read in linear time and never throws.
 *
 * <p>Choices made where the shell's meaning would otherwise be guessed:
 * <ul>
 * <li>Exec form needs the {@code cd}s joined by {@code &&} (with {@code ;} a failed {@code cd}
 *     would run the program elsewhere). The first {@code cd} must be absolute, since the image's
 *     working directory is unknown; a later relative one is joined to it, unless the env sets
 *     {@code CDPATH}; {@code ..} is refused (logical and physical paths may differ).</li>
 * <li>An unquoted expansion is proved only for a known, non-empty value without blanks, glob
 *     characters or backslashes, and only when the env does not set {@code IFS}; quoted, any
 *     defined variable is fine, even of unknown value. An unquoted {@code ~ { }} is never proved
 *     (tilde and bash's brace expansion).</li>
 * <li>{@code exec} goes after the last command's prefixes: {@code A=1 exec cmd} runs {@code cmd}
 *     with {@code A} exported in dash, bash and busybox, while {@code exec A=1 cmd} would run a
 *     program named {@code A=1}.</li>
 * <li>A last command that is a shell builtin is refused ({@code exec echo} runs another
 *     program), and so is a glob in the last command. Sourcing a file ({@code .}) before it is
 *     accepted for the {@code exec} prefix.</li>
 * </ul>
 */
public final class ShellReader {

    /** Shell builtins (dash's, and bash's that are common): {@code exec} would run a different program. */
    private static final Set<String> BUILTINS = Set.of(
            ".",
            ":",
            "[",
            "alias",
            "bg",
            "bind",
            "break",
            "builtin",
            "caller",
            "cd",
            "command",
            "compgen",
            "complete",
            "continue",
            "declare",
            "dirs",
            "disown",
            "echo",
            "enable",
            "eval",
            "exec",
            "exit",
            "export",
            "false",
            "fc",
            "fg",
            "getopts",
            "hash",
            "help",
            "history",
            "jobs",
            "kill",
            "let",
            "local",
            "logout",
            "mapfile",
            "popd",
            "printf",
            "pushd",
            "pwd",
            "read",
            "readarray",
            "readonly",
            "return",
            "set",
            "shift",
            "shopt",
            "source",
            "suspend",
            "test",
            "times",
            "trap",
            "true",
            "type",
            "typeset",
            "ulimit",
            "umask",
            "unalias",
            "unset",
            "wait");

    private ShellReader() {}

    /**
     * Reads {@code script} and proves, in this order of preference: an {@link Reading.ExecForm},
     * an {@link Reading.ExecPrefixed} script, that it {@link Reading.AlreadyExec already execs}, or
     * else {@link Reading.Refused refuses}.
     *
     * @param script the script passed to {@code sh -c}
     * @param env    the container's env: name to literal value, or to {@code null} when the value
     *               comes from elsewhere ({@code valueFrom}) and is unknown
     */
    public static Reading read(String script, Map<String, String> env) {
        if (script == null) {
            return new Reading.Refused("is empty", List.of());
        }
        if (script.indexOf('\0') >= 0) {
            return new Reading.Refused("has a NUL character", List.of());
        }
        Map<String, String> knownEnv = env == null ? Map.of() : env;
        KubernetesWords words = new KubernetesWords(knownEnv);
        Parser parser = new Parser(script);
        List<Command> commands;
        try {
            commands = parser.parse();
        } catch (Unreadable unreadable) {
            List<Word> partial = withoutExec(parser.partialCommand());
            return new Reading.Refused(unreadable.reason(), describe(partial, Optional.empty(), words, script));
        }
        List<Word> program = withoutExec(commands.get(commands.size() - 1).words());
        Optional<List<String>> argv = words.render(program);
        List<String> lastCommand = describe(program, argv, words, script);
        try {
            return judge(script, commands, knownEnv, program, argv, lastCommand);
        } catch (Unreadable unreadable) {
            return new Reading.Refused(unreadable.reason(), lastCommand);
        }
    }

    /** @param argv the program's words rendered once, for the exec form and the messages alike */
    private static Reading judge(
            String script,
            List<Command> commands,
            Map<String, String> env,
            List<Word> program,
            Optional<List<String>> argv,
            List<String> lastCommand) {
        for (int i = 0; i < commands.size(); i++) {
            checkShellState(commands.get(i), i == commands.size() - 1);
        }
        Command last = commands.get(commands.size() - 1);
        boolean exec = "exec".equals(last.name());
        checkProgram(program, exec);
        Optional<Reading.ExecForm> execForm = new ExecFormProof(env).prove(commands, program, argv);
        if (execForm.isPresent()) {
            return execForm.get();
        }
        if (exec) {
            return new Reading.AlreadyExec(lastCommand);
        }
        int at = program.get(0).start();
        return new Reading.ExecPrefixed(script.substring(0, at) + "exec " + script.substring(at), lastCommand);
    }

    /** Refuses commands that change what {@code exec} or a missing shell would mean. */
    private static void checkShellState(Command command, boolean last) {
        String name = command.name();
        if ("set".equals(name) || "trap".equals(name) || "eval".equals(name)) {
            throw new Unreadable("uses " + name);
        }
        if ("exec".equals(name) && !last) {
            throw new Unreadable("uses exec before the last command");
        }
    }

    private static void checkProgram(List<Word> program, boolean exec) {
        if (program.isEmpty()) {
            throw new Unreadable(exec ? "ends with exec without a command" : "ends without a command");
        }
        String name = program.get(0).literalText();
        if (exec && name != null && name.startsWith("-")) {
            throw new Unreadable("passes options to exec");
        }
        if (!exec && name != null && BUILTINS.contains(name)) {
            throw new Unreadable("ends with the shell builtin " + name);
        }
        for (Word word : program) {
            if (word.hasGlob()) {
                throw new Unreadable("uses a glob in the last command");
            }
        }
    }

    private static List<Word> withoutExec(List<Word> words) {
        boolean exec = !words.isEmpty() && "exec".equals(words.get(0).literalText());
        return exec ? words.subList(1, words.size()) : words;
    }

    /**
     * The words for messages: as proved ({@code rendered} when every word was), else as written; none for a
     * {@code cd}, which is no program.
     */
    private static List<String> describe(
            List<Word> words, Optional<List<String>> rendered, KubernetesWords renderer, String script) {
        if (!words.isEmpty() && "cd".equals(words.get(0).literalText())) {
            return List.of();
        }
        return rendered.orElseGet(() ->
                words.stream().map(word -> renderer.describe(word, script)).toList());
    }
}
