package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.catalog.Launch;
import io.pid1.injector.catalog.Server;
import io.pid1.injector.shell.Reading;
import io.pid1.injector.shell.ShellReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One container of the pod being fixed: its node in the pod's JSON (edited in place), and what the
 * analysis found out about what it runs.
 */
final class ContainerDraft {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "ksh", "zsh");
    private static final Set<String> SHELL_FLAGS = Set.of("-c", "-ec");
    /**
     * A command over this many characters is left as it is, unread: real ones are a few hundred, and reading
     * one costs time in proportion to its words (a 5 MiB script of short words took 25 s).
     */
    static final int MAX_COMMAND_CHARS = 64 * 1024;
    /** How far into an argv a server is looked for behind an unknown program: launchers take a few words. */
    private static final int MAX_LAUNCHER_WORDS = 8;

    /**
     * Where a {@code sh -c} script sits in the argv, and what the shell reader made of it; {@code front} is
     * what runs before the shell (an image's {@code dumb-init -- /entrypoint}), empty when the shell is PID 1.
     */
    record ShellCall(String shell, int scriptIndex, Reading reading, List<String> front) {

        /** Whether the shell runs behind an init or entrypoint script, where rewriting it would drop them. */
        boolean behind() {
            return !front.isEmpty();
        }
    }

    final String name;
    final ObjectNode node;
    /** The container's own env: name to literal value, {@code null} when set through {@code valueFrom}. */
    final Map<String, String> env;

    final Optional<ImageConfig> image;
    final Set<FixKind> applied = EnumSet.noneOf(FixKind.class);

    private List<String> argv;
    private boolean argvKnown;
    private ShellCall shell;
    private Launch launch;
    private String subject;
    private List<String> serverArgv;
    /** An entrypoint script in front of the server ({@code docker-entrypoint.sh gunicorn …}). */
    private String script;

    private boolean supervised;
    private boolean shellExecs;
    private boolean tooLong;
    /** The server is started by a project's command ({@code airflow webserver}), which takes flags of its own. */
    private boolean throughProject;
    /** An unknown program in front of a known server ({@code mywrapper gunicorn …}): what it does is not known. */
    private String unknownLauncher;

    /**
     * Whether {@code command} was set, and {@code args} as received when it was not: to tell whether a fix
     * wrote the image's argv into the spec.
     */
    private final boolean receivedCommand;

    private final JsonNode receivedArgs;

    private ContainerDraft(ObjectNode node, Optional<ImageConfig> image) {
        this.node = node;
        this.name = node.path("name").asText("");
        this.image = image;
        this.env = envOf(node);
        this.receivedCommand = node.get("command") != null;
        this.receivedArgs = receivedCommand || node.get("args") == null
                ? null
                : node.get("args").deepCopy();
    }

    /**
     * Whether a fix wrote an argv that was the image's (no {@code command} was set, so ENTRYPOINT, and CMD unless
     * {@code args} were set, came from the image) into the spec: from now on a new image under the same tag
     * would run the old command.
     */
    boolean wroteImageArgv() {
        return !receivedCommand
                && image.isPresent()
                && (node.get("command") != null || !java.util.Objects.equals(node.get("args"), receivedArgs));
    }

    static ContainerDraft analyse(ObjectNode node, Optional<ImageConfig> image, Catalog catalog) {
        ContainerDraft draft = new ContainerDraft(node, image);
        draft.readArgv();
        draft.recognise(catalog);
        return draft;
    }

    /** In scope: a known master-worker server, a shell wrapper as PID 1, or a process manager (reported). */
    boolean inScope() {
        return !tooLong
                && (shell != null
                        || launch.server().isPresent()
                        || launch.processManager().isPresent());
    }

    /** The command is over {@link #MAX_COMMAND_CHARS}: not read, not fixed. */
    boolean tooLong() {
        return tooLong;
    }

    /** The argv PID 1 runs, when the spec or the image tells it. */
    Optional<List<String>> argv() {
        return argvKnown ? Optional.of(argv) : Optional.empty();
    }

    Optional<ShellCall> shell() {
        return Optional.ofNullable(shell);
    }

    Launch launch() {
        return launch;
    }

    Optional<Server> server() {
        return launch.server();
    }

    /** What to call the program in a sentence: the server's name, else its program's. */
    String subject() {
        return subject;
    }

    /**
     * A program that looks like a script (an entrypoint, {@code *.sh}, a shell running a file) in
     * front of the server or in place of it: it may start the server without {@code exec}.
     */
    Optional<String> script() {
        if (script != null) {
            return Optional.of(script);
        }
        return launch.server().isEmpty() && looksLikeScript(subject) ? Optional.of(subject) : Optional.empty();
    }

    private static boolean looksLikeScript(String program) {
        return program.endsWith(".sh")
                || program.contains("entrypoint")
                || SHELLS.contains(program)
                || program.equals("busybox");
    }

    /**
     * Whether the server would be an init's direct child: no launcher that forks on the way, and
     * no shell left in between unless it {@code exec}s its last command.
     */
    boolean serverIsDirect() {
        return launch.direct() && (shell == null || shellExecs);
    }

    /** Whether the shell execs its last command, so it does not stay as the server's parent. */
    boolean shellExecs() {
        return shellExecs;
    }

    /** Records that the shell now execs its last command (it did already, or {@code exec} was added). */
    void shellNowExecs() {
        shellExecs = true;
    }

    /** The argv of the program the container runs, past any {@code sh -c} (what the shim looks for). */
    List<String> serverArgv() {
        return serverArgv;
    }

    /** Whether {@code pid1-shim} supervises this container (its liveness, drain and signal). */
    boolean supervised() {
        return supervised;
    }

    void superviseWithShim() {
        supervised = true;
    }

    /**
     * Whether flags appended to the argv reach the server's command line: the argv is known, and no shell
     * script, entrypoint script or project command stands in front, which could build its own command line.
     */
    boolean argsReachServer() {
        return argvKnown && shell == null && script == null && !throughProject;
    }

    /** Whether the spec sets {@code command} (else the image ENTRYPOINT applies). */
    boolean hasCommand() {
        return node.get("command") instanceof ArrayNode;
    }

    /** Replaces the whole argv: {@code command} becomes it and {@code args} goes. */
    void replaceArgv(List<String> newArgv) {
        node.set("command", Json.array(newArgv));
        node.remove("args");
        argv = List.copyOf(newArgv);
        argvKnown = true;
        shell = null;
    }

    /** Replaces one word of the argv where it is written ({@code command} or {@code args}). */
    void replaceWord(int index, String word) {
        List<String> command = hasCommand() ? Json.strings(node.get("command")).orElseThrow() : null;
        List<String> changed = new ArrayList<>(argv);
        changed.set(index, word);
        if (command == null) {
            replaceArgv(changed);
            return;
        }
        if (index < command.size()) {
            ((ArrayNode) node.get("command")).set(index, word);
        } else {
            ((ArrayNode) node.get("args")).set(index - command.size(), word);
        }
        argv = List.copyOf(changed);
    }

    /** Puts {@code prefix} in front of PID 1, making {@code args} explicit when the image gave them. */
    void prefixCommand(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        if (hasCommand()) {
            command.addAll(Json.strings(node.get("command")).orElseThrow());
        } else {
            ImageConfig config = image.orElseThrow();
            command.addAll(config.entrypoint());
            if (!(node.get("args") instanceof ArrayNode)) {
                node.set("args", Json.array(config.cmd()));
            }
        }
        node.set("command", Json.array(command));
        List<String> newArgv = new ArrayList<>(command);
        newArgv.addAll(Json.strings(node.get("args")).orElse(List.of()));
        argv = List.copyOf(newArgv);
    }

    /** Appends flags to the server's own arguments, where the argv ends. */
    void appendArgs(List<String> flags) {
        String field = node.get("args") instanceof ArrayNode || !hasCommand() ? "args" : "command";
        if (field.equals("args") && !(node.get("args") instanceof ArrayNode)) {
            node.set("args", Json.array(image.map(ImageConfig::cmd).orElse(List.of())));
        }
        ArrayNode target = (ArrayNode) node.get(field);
        flags.forEach(target::add);
        List<String> newArgv = new ArrayList<>(argv);
        newArgv.addAll(flags);
        argv = List.copyOf(newArgv);
    }

    /** Sets the container's env variable {@code name} to {@code value}, replacing a literal value it had. */
    void setEnv(String name, String value) {
        ArrayNode entries = Json.arrayAt(node, "env");
        for (JsonNode entry : entries) {
            if (name.equals(entry.path("name").asText(null)) && entry instanceof ObjectNode existing) {
                existing.put("value", value);
                env.put(name, value);
                return;
            }
        }
        entries.addObject().put("name", name).put("value", value);
        env.put(name, value);
    }

    /** The env seen by the program, read only: the image's, overridden by the container's. */
    Map<String, String> effectiveEnv() {
        Map<String, String> imageEnv = image.map(ImageConfig::env).orElse(Map.of());
        if (imageEnv.isEmpty()) {
            return Collections.unmodifiableMap(env);
        }
        Map<String, String> merged = new HashMap<>(imageEnv);
        merged.putAll(env);
        return merged;
    }

    private void readArgv() {
        Optional<List<String>> command = Json.strings(node.get("command"));
        Optional<List<String>> args = Json.strings(node.get("args"));
        List<String> words = new ArrayList<>();
        if (command.isPresent()) {
            words.addAll(command.get());
            words.addAll(args.orElse(List.of()));
            argvKnown = true;
        } else if (image.isPresent()) {
            words.addAll(image.get().entrypoint());
            words.addAll(args.orElse(image.get().cmd()));
            argvKnown = true;
        } else {
            words.addAll(args.orElse(List.of()));
            argvKnown = false;
        }
        argv = List.copyOf(words);
    }

    private void recognise(Catalog catalog) {
        tooLong = chars(argv) > MAX_COMMAND_CHARS;
        shell = argvKnown && !tooLong ? findShell(catalog.programIndex(argv)) : null;
        shellExecs = shell != null && execs(shell);
        serverArgv = tooLong ? List.of() : shell != null ? shell.reading().lastCommand() : argv;
        Map<String, String> seen = effectiveEnv();
        launch = catalog.recognise(serverArgv, seen);
        String program = serverArgv.isEmpty() ? "the script" : basename(serverArgv.get(0));
        if (launch.server().isEmpty() && looksLikeScript(program) && serverArgv.size() > 1) {
            Launch behind = catalog.recognise(serverArgv.subList(1, serverArgv.size()), seen);
            if (behind.server().isPresent()) {
                launch = behind;
                script = program;
            }
        }
        if (shell != null && shell.behind()) {
            launch = launch.behind(catalog.recognise(argv.subList(0, shell.scriptIndex()), seen));
        }
        subject = launch.program().orElse(program);
        throughProject =
                catalog.projects().stream().anyMatch(p -> launch.wrappers().contains(p.name()));
        if (launch.server().isEmpty()
                && launch.notMasterWorker().isEmpty()
                && launch.processManager().isEmpty()
                && script().isEmpty()) {
            unknownLauncher = serverBehind(catalog, seen)
                    .map(server -> program + " in front of " + server)
                    .orElse(null);
        }
    }

    /** The server a later word of the argv starts, looked for in the first few words only. */
    private Optional<String> serverBehind(Catalog catalog, Map<String, String> seen) {
        for (int i = 1; i < Math.min(serverArgv.size(), MAX_LAUNCHER_WORDS); i++) {
            Launch behind = catalog.recognise(serverArgv.subList(i, serverArgv.size()), seen);
            if (behind.server().isPresent()) {
                return behind.program();
            }
        }
        return Optional.empty();
    }

    /** The program where recognition stopped, when a known server follows it. */
    Optional<String> unknownLauncher() {
        return Optional.ofNullable(unknownLauncher);
    }

    /**
     * Whether the shell replaces itself with its last command: it says {@code exec}, or (behind an init,
     * where it is not rewritten) the script is one plain command, which sh and bash exec.
     */
    private static boolean execs(ShellCall call) {
        return call.reading() instanceof Reading.AlreadyExec
                || call.behind()
                        && call.reading() instanceof Reading.ExecForm form
                        && form.workingDir().isEmpty()
                        && form.env().isEmpty();
    }

    /** The {@code sh -c} at {@code front}, the word after the inits and entrypoint scripts that exec it. */
    private ShellCall findShell(int front) {
        int at = front;
        if (argv.size() > at + 1 && basename(argv.get(at)).equals("busybox")) {
            at++;
        }
        if (argv.size() < at + 3
                || !SHELLS.contains(basename(argv.get(at)))
                || !SHELL_FLAGS.contains(argv.get(at + 1))) {
            return null;
        }
        int scriptIndex = at + 2;
        Reading reading = ShellReader.read(argv.get(scriptIndex), env);
        return new ShellCall(
                String.join(" ", argv.subList(front, scriptIndex)),
                scriptIndex,
                reading,
                List.copyOf(argv.subList(0, front)));
    }

    private static long chars(List<String> words) {
        long chars = 0;
        for (String word : words) {
            chars += word.length();
        }
        return chars;
    }

    static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Map<String, String> envOf(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : container.path("env")) {
            String name = entry.path("name").asText(null);
            if (name != null) {
                JsonNode value = entry.get("value");
                env.put(name, entry.has("valueFrom") ? null : value == null ? "" : value.asText());
            }
        }
        return env;
    }
}
