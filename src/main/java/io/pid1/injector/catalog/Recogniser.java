package io.pid1.injector.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Walks one argv: inits at the front, then launchers, until a server, a project command, a
 * process manager or an unknown program.
 */
final class Recogniser {

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

    private final Entries entries;
    /** Read only, during one call: not copied. */
    private final List<String> argv;
    /** The env as the walk goes: the caller's, copied when a launcher first changes it ({@code env -i A=1}). */
    private Map<String, String> env;

    private boolean envCopied;
    private final List<String> wrappers = new ArrayList<>();
    private Optional<String> init = Optional.empty();
    private boolean direct = true;

    Recogniser(Entries entries, List<String> argv, Map<String, String> env) {
        this.entries = entries;
        this.argv = argv;
        this.env = env;
    }

    Launch recognise() {
        int i = skipInits();
        while (i < argv.size()) {
            String word = EnvRefs.resolve(argv.get(i), env).orElse(argv.get(i));
            Optional<Launch> found = program(word, i + 1);
            if (found.isPresent()) {
                return found.get();
            }
            Optional<Launcher> launcher = launcher(word, i + 1);
            if (launcher.isEmpty()) {
                return Launch.unknown(
                        init, Optional.empty(), wrappers, direct, Optional.of(ExecutablePatterns.basename(word)));
            }
            wrappers.add(launcher.get().name());
            direct &= launcher.get().handover().direct();
            int next = skipLauncher(
                    launcher.get(),
                    SubcommandWords.after(argv, i + 1, launcher.get().words()));
            if (next < 0) {
                return unknown(Optional.empty());
            }
            if (launcher.get().moduleOption().isPresent()
                    && next < argv.size()
                    && argv.get(next).startsWith(launcher.get().moduleOption().get())) {
                return module(launcher.get().moduleOption().get(), next);
            }
            i = next;
        }
        return unknown(Optional.empty());
    }

    private Optional<Init> initNamed(String word) {
        for (Init candidate : entries.inits()) {
            if (ExecutablePatterns.matches(candidate.executables(), word)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The index after the inits and pass-through entrypoint scripts at the front of the argv. */
    int skipInits() {
        int i = 0;
        while (i < argv.size()) {
            String word = argv.get(i);
            Optional<Init> found = initNamed(word);
            if (found.isEmpty()) {
                Optional<Entrypoint> entrypoint = passingEntrypoint(i);
                if (entrypoint.isEmpty()) {
                    return i;
                }
                wrappers.add(entrypoint.get().name());
                i++;
                continue;
            }
            init = init.or(() -> Optional.of(found.get().name()));
            i = i + 1;
            while (i < argv.size() && SubcommandWords.isOption(argv.get(i))) {
                String option = argv.get(i);
                i += option.equals("--") ? 1 : found.get().valueOptions().contains(option) ? 2 : 1;
                if (option.equals("--")) {
                    break;
                }
            }
        }
        return i;
    }

    /** The entrypoint script at {@code i} when the catalog knows it execs the word after it. */
    private Optional<Entrypoint> passingEntrypoint(int i) {
        if (i + 1 >= argv.size()) {
            return Optional.empty();
        }
        for (Entrypoint entrypoint : entries.entrypoints()) {
            if (ExecutablePatterns.matches(entrypoint.executables(), argv.get(i))
                    && entrypoint.passes(argv.get(i + 1))) {
                return Optional.of(entrypoint);
            }
        }
        return Optional.empty();
    }

    /** The launch when {@code word} is a process manager, a known non-master-worker program, a server or a project. */
    private Optional<Launch> program(String word, int argsFrom) {
        for (ProcessManager manager : entries.processManagers()) {
            if (ExecutablePatterns.matches(manager.executables(), word)) {
                return Optional.of(Launch.unknown(
                        init, Optional.of(manager.name()), wrappers, direct, Optional.of(manager.name())));
            }
        }
        for (NotMasterWorker other : entries.notMasterWorker()) {
            if (ExecutablePatterns.matches(other.executables(), word) && hasSubcommand(other, argsFrom)) {
                return Optional.of(notMasterWorker(other));
            }
        }
        for (Server server : entries.servers()) {
            if (ExecutablePatterns.matches(server.executables(), word)) {
                return Optional.of(server(server, argsFrom));
            }
        }
        for (ProjectCli project : entries.projects()) {
            int after = SubcommandWords.after(argv, argsFrom, project.words());
            if (ExecutablePatterns.matches(project.executables(), word) && after >= 0) {
                return Optional.of(project(project, after));
            }
        }
        return Optional.empty();
    }

    private Launch server(Server server, int argsFrom) {
        List<String> args = argv.subList(argsFrom, argv.size());
        String program = server.name();
        if (!server.subcommands().isEmpty()) {
            int after = SubcommandWords.afterOne(args, 0, server.subcommands()::contains);
            if (after < 0) {
                return Launch.unknown(init, Optional.empty(), wrappers, direct, Optional.of(program));
            }
            program += " " + args.get(after - 1);
        }
        ServerRun run = new ServerRun(server, args, env);
        if (run.masterWorker()) {
            return run.launch(context(), program);
        }
        String without = String.join(" or ", server.requiredFlags());
        return Launch.notMasterWorker(init, wrappers, direct, program, "one process, without " + without);
    }

    private boolean hasSubcommand(NotMasterWorker other, int argsFrom) {
        return other.subcommands().isEmpty()
                || SubcommandWords.afterOne(argv.subList(argsFrom, argv.size()), 0, other.subcommands()::contains) >= 0;
    }

    private Launch notMasterWorker(NotMasterWorker other) {
        return Launch.notMasterWorker(init, wrappers, direct, other.name(), other.what());
    }

    private Launch project(ProjectCli project, int argsFrom) {
        wrappers.add(project.name());
        direct &= project.handover().direct();
        Server server = entries.server(project.server()).orElseThrow();
        return ServerRun.launchThrough(project, server, argv.subList(argsFrom, argv.size()), env, context());
    }

    private Launch module(String moduleOption, int at) {
        String glued = argv.get(at).substring(moduleOption.length());
        String module = glued.isEmpty() && at + 1 < argv.size() ? argv.get(at + 1) : glued;
        int argsFrom = glued.isEmpty() ? at + 2 : at + 1;
        for (ProcessManager manager : entries.processManagers()) {
            if (manager.modules().contains(module)) {
                return Launch.unknown(init, Optional.of(manager.name()), wrappers, direct, Optional.of(manager.name()));
            }
        }
        for (NotMasterWorker other : entries.notMasterWorker()) {
            if (other.modules().contains(module) && hasSubcommand(other, argsFrom)) {
                return notMasterWorker(other);
            }
        }
        for (Server server : entries.servers()) {
            if (server.modules().contains(module)) {
                return server(server, argsFrom);
            }
        }
        return unknown(Optional.empty());
    }

    private Optional<Launcher> launcher(String word, int wordsFrom) {
        for (Launcher launcher : entries.launchers()) {
            if (ExecutablePatterns.matches(launcher.executables(), word)
                    && SubcommandWords.after(argv, wordsFrom, launcher.words()) >= 0) {
                return Optional.of(launcher);
            }
        }
        return Optional.empty();
    }

    /** The index of the program after {@code launcher}'s options and operands, or -1. */
    private int skipLauncher(Launcher launcher, int from) {
        int i = from;
        int operands = launcher.operands();
        while (i < argv.size()) {
            String word = argv.get(i);
            if (word.equals("--")) {
                return i + 1;
            }
            if (launcher.stopOptions().contains(word)) {
                return -1;
            }
            if (launcher.moduleOption().filter(word::startsWith).isPresent()) {
                return i;
            }
            if (launcher.clearOptions().contains(word)) {
                changeEnv().clear();
                i++;
            } else if (SubcommandWords.isOption(word)) {
                boolean takesValue = !word.contains("=")
                        && (launcher.optionsTakeValues()
                                || launcher.valueOptions().contains(word));
                i += takesValue ? 2 : 1;
            } else if (launcher.assignments() && ASSIGNMENT.matcher(word).matches()) {
                int equals = word.indexOf('=');
                String value = EnvRefs.resolve(word.substring(equals + 1), env).orElse(null);
                changeEnv().put(word.substring(0, equals), value);
                i++;
            } else if (operands > 0) {
                operands--;
                i++;
            } else {
                return i;
            }
        }
        return i;
    }

    /** The env, now this walk's own copy, to change. */
    private Map<String, String> changeEnv() {
        if (!envCopied) {
            env = new HashMap<>(env);
            envCopied = true;
        }
        return env;
    }

    private ServerRun.Context context() {
        return new ServerRun.Context(init, wrappers, direct);
    }

    private Launch unknown(Optional<String> processManager) {
        return Launch.unknown(init, processManager, wrappers, direct, Optional.empty());
    }
}
