package io.pid1.injector.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link ShellReader} makes of each construct, as a table: script → outcome. All rows use
 * the container env of {@link #ENV}.
 */
class ShellReaderTest {

    /** The container's env for every row; {@code UNKNOWN} comes from a {@code valueFrom}. */
    static final Map<String, String> ENV = env(
            "PORT",
            "8000",
            "APP",
            "app:app",
            "WORKERS",
            "4",
            "EMPTY",
            "",
            "SPACED",
            "a b",
            "GLOB",
            "*.py",
            "UNKNOWN",
            null,
            "HOME_DIR",
            "/srv");

    @ParameterizedTest(name = "{0}  →  {1}")
    @MethodSource({"execForm", "execPrefixed", "alreadyExec", "refused"})
    void reads(String script, String expected) {
        assertEquals(expected, describe(ShellReader.read(script, ENV)));
    }

    static Stream<Arguments> execForm() {
        return Stream.of(
                arguments("gunicorn app:app -w 4", "exec form [gunicorn, app:app, -w, 4]"),
                arguments("cd /app && gunicorn app:app -w 4", "exec form [gunicorn, app:app, -w, 4] in /app"),
                arguments("exec gunicorn app:app", "exec form [gunicorn, app:app]"),
                arguments("cd /app && exec gunicorn app:app", "exec form [gunicorn, app:app] in /app"),
                arguments("cd /srv && cd app && gunicorn x", "exec form [gunicorn, x] in /srv/app"),
                arguments("cd /srv && cd ./app/ && gunicorn x", "exec form [gunicorn, x] in /srv/app"),
                arguments("cd /srv && cd /app && gunicorn x", "exec form [gunicorn, x] in /app"),
                arguments("cd /app &&\n  gunicorn x", "exec form [gunicorn, x] in /app"),
                arguments(
                        "WORKERS=2 PYTHONUNBUFFERED=1 gunicorn app",
                        "exec form [gunicorn, app] with [WORKERS=2, PYTHONUNBUFFERED=1]"),
                arguments("cd /app && A='x y' exec gunicorn x", "exec form [gunicorn, x] in /app with [A=x y]"),
                arguments("A='$(x)' gunicorn", "exec form [gunicorn] with [A=$$(x)]"),
                arguments("gunicorn --bind 0.0.0.0:$PORT app", "exec form [gunicorn, --bind, 0.0.0.0:$(PORT), app]"),
                arguments(
                        "gunicorn --bind \"0.0.0.0:${PORT}\" \"$APP\"",
                        "exec form [gunicorn, --bind, 0.0.0.0:$(PORT), $(APP)]"),
                arguments("gunicorn -w ${WORKERS:-2} app", "exec form [gunicorn, -w, $(WORKERS), app]"),
                arguments("gunicorn -w ${WORKERS-2} app", "exec form [gunicorn, -w, $(WORKERS), app]"),
                arguments("gunicorn \"$UNKNOWN\"", "exec form [gunicorn, $(UNKNOWN)]"),
                arguments("gunicorn \"$EMPTY\" x", "exec form [gunicorn, $(EMPTY), x]"),
                arguments("gunicorn \"${EMPTY-d}\"", "exec form [gunicorn, $(EMPTY)]"),
                arguments(
                        "gunicorn 'single $PORT' \"double \\\"q\\\" \\$x \\\\ \\y\"",
                        "exec form [gunicorn, single $PORT, double \"q\" $x \\ \\y]"),
                arguments("gunicorn a\\ b \\$HOME \\*", "exec form [gunicorn, a b, $HOME, *]"),
                arguments("gunicorn '$(not run)'", "exec form [gunicorn, $$(not run)]"),
                arguments("gunicorn '$$' '$'\"$PORT\" 'a$b'", "exec form [gunicorn, $$$, $$$(PORT), a$b]"),
                arguments("gunicorn \\\n  app:app \\\n  -w 4", "exec form [gunicorn, app:app, -w, 4]"),
                arguments("gun\\\nicorn app", "exec form [gunicorn, app]"),
                arguments("# start the server\ngunicorn app # comment\n", "exec form [gunicorn, app]"),
                arguments("gunicorn a#b", "exec form [gunicorn, a#b]"),
                arguments("\n\n  gunicorn app;\n\n", "exec form [gunicorn, app]"),
                arguments("exec gunicorn '' \"\"", "exec form [gunicorn, , ]"),
                arguments("gunicorn \"a\"'b'c", "exec form [gunicorn, abc]"),
                arguments("/usr/local/bin/gunicorn app", "exec form [/usr/local/bin/gunicorn, app]"),
                arguments("exec true", "exec form [true]"),
                arguments("\"exec\" gunicorn", "exec form [gunicorn]"));
    }

    static Stream<Arguments> execPrefixed() {
        return Stream.of(
                arguments(
                        "python manage.py migrate && gunicorn app",
                        "prefixed: python manage.py migrate && exec gunicorn app | last [gunicorn, app]"),
                arguments("cd /app; gunicorn app", "prefixed: cd /app; exec gunicorn app | last [gunicorn, app]"),
                arguments(
                        "migrate\n  gunicorn app  # serve\n",
                        "prefixed: migrate\n  exec gunicorn app  # serve\n | last [gunicorn, app]"),
                arguments("cd app && gunicorn x", "prefixed: cd app && exec gunicorn x | last [gunicorn, x]"),
                arguments("A=1 gunicorn $NOPE", "prefixed: A=1 exec gunicorn $NOPE | last [gunicorn, $NOPE]"),
                arguments("gunicorn \"$NOPE\"", "prefixed: exec gunicorn \"$NOPE\" | last [gunicorn, \"$NOPE\"]"),
                arguments("gunicorn $UNKNOWN", "prefixed: exec gunicorn $UNKNOWN | last [gunicorn, $UNKNOWN]"),
                arguments("gunicorn $SPACED", "prefixed: exec gunicorn $SPACED | last [gunicorn, $SPACED]"),
                arguments("gunicorn $GLOB", "prefixed: exec gunicorn $GLOB | last [gunicorn, $GLOB]"),
                arguments("gunicorn $EMPTY", "prefixed: exec gunicorn $EMPTY | last [gunicorn, $EMPTY]"),
                arguments("gunicorn ${EMPTY:-x}", "prefixed: exec gunicorn ${EMPTY:-x} | last [gunicorn, ${EMPTY:-x}]"),
                arguments(
                        "gunicorn \"${UNKNOWN:-x}\"",
                        "prefixed: exec gunicorn \"${UNKNOWN:-x}\" | last [gunicorn, \"${UNKNOWN:-x}\"]"),
                arguments("gunicorn ${PORT#8}", "prefixed: exec gunicorn ${PORT#8} | last [gunicorn, ${PORT#8}]"),
                arguments("gunicorn ~/app", "prefixed: exec gunicorn ~/app | last [gunicorn, ~/app]"),
                arguments("gunicorn {a,b}", "prefixed: exec gunicorn {a,b} | last [gunicorn, {a,b}]"),
                arguments("gunicorn $((1 + 2))", "prefixed: exec gunicorn $((1 + 2)) | last [gunicorn, $((1 + 2))]"),
                arguments("gunicorn \"$@\"", "prefixed: exec gunicorn \"$@\" | last [gunicorn, \"$@\"]"),
                arguments("gunicorn $1 $#", "prefixed: exec gunicorn $1 $# | last [gunicorn, $1, $#]"),
                arguments("A=$PORT gunicorn", "prefixed: A=$PORT exec gunicorn | last [gunicorn]"),
                arguments("A=~/x gunicorn", "prefixed: A=~/x exec gunicorn | last [gunicorn]"),
                arguments("A=1 A=2 gunicorn", "prefixed: A=1 A=2 exec gunicorn | last [gunicorn]"),
                arguments(
                        "PORT=1 gunicorn -b :$PORT",
                        "prefixed: PORT=1 exec gunicorn -b :$PORT | last [gunicorn, -b, :$(PORT)]"),
                arguments(
                        "cd /app && cd .. && gunicorn",
                        "prefixed: cd /app && cd .. && exec gunicorn | last [gunicorn]"),
                arguments("cd && gunicorn", "prefixed: cd && exec gunicorn | last [gunicorn]"),
                arguments("cd $HOME_DIR && gunicorn", "prefixed: cd $HOME_DIR && exec gunicorn | last [gunicorn]"),
                arguments("cd -P /app && gunicorn", "prefixed: cd -P /app && exec gunicorn | last [gunicorn]"),
                arguments("\"$APP\" x", "prefixed: exec \"$APP\" x | last [$(APP), x]"),
                arguments(
                        "export A=1 && gunicorn app",
                        "prefixed: export A=1 && exec gunicorn app | last [gunicorn, app]"),
                arguments(
                        ". venv/bin/activate && gunicorn app",
                        "prefixed: . venv/bin/activate && exec gunicorn app | last [gunicorn, app]"),
                arguments(
                        "[ -f /x ] && gunicorn app", "prefixed: [ -f /x ] && exec gunicorn app | last [gunicorn, app]"),
                arguments(
                        "printf '%s\\n' *.py; gunicorn app",
                        "prefixed: printf '%s\\n' *.py; exec gunicorn app | last [gunicorn, app]"));
    }

    static Stream<Arguments> alreadyExec() {
        return Stream.of(
                arguments("migrate && exec gunicorn app", "already exec | last [gunicorn, app]"),
                arguments("exec \"$@\"", "already exec | last [\"$@\"]"),
                arguments("cd app && exec gunicorn", "already exec | last [gunicorn]"),
                arguments("A=1 exec gunicorn $NOPE", "already exec | last [gunicorn, $NOPE]"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("gunicorn app | tee log", "refused: uses a pipe | last [gunicorn, app]"),
                arguments("migrate || true", "refused: uses || | last [migrate]"),
                arguments("gunicorn app >/dev/null", "refused: uses a redirection | last [gunicorn, app]"),
                arguments("gunicorn app 2>&1", "refused: uses a redirection | last [gunicorn, app, 2]"),
                arguments("cat <<EOF\nx\nEOF", "refused: uses a here-document | last [cat]"),
                arguments("gunicorn app &", "refused: runs a command in the background | last [gunicorn, app]"),
                arguments("(cd /app && gunicorn)", "refused: uses a subshell | last []"),
                arguments("{ gunicorn; }", "refused: uses a { } group | last []"),
                arguments("gunicorn $(cat args)", "refused: uses command substitution | last [gunicorn]"),
                arguments("gunicorn `cat args`", "refused: uses command substitution | last [gunicorn]"),
                arguments("gunicorn \"`cat args`\"", "refused: uses command substitution | last [gunicorn]"),
                arguments("gunicorn ${X:-$(date)}", "refused: uses command substitution | last [gunicorn]"),
                arguments("if true; then gunicorn; fi", "refused: uses if | last []"),
                arguments("for i in 1 2; do x; done", "refused: uses a loop | last []"),
                arguments("while true; do x; done", "refused: uses a loop | last []"),
                arguments("case x in x) y;; esac", "refused: uses case | last []"),
                arguments("serve() { gunicorn; }; serve", "refused: defines a function | last [serve]"),
                arguments("! gunicorn", "refused: negates a command | last []"),
                arguments("[[ -f x ]] && gunicorn", "refused: uses [[ | last []"),
                arguments("time gunicorn", "refused: uses time | last []"),
                arguments("set -e; migrate; gunicorn app", "refused: uses set | last [gunicorn, app]"),
                arguments("trap 'kill 0' TERM; gunicorn app", "refused: uses trap | last [gunicorn, app]"),
                arguments("eval \"$CMD\"", "refused: uses eval | last [eval, \"$CMD\"]"),
                arguments(
                        "exec gunicorn; echo never", "refused: uses exec before the last command | last [echo, never]"),
                arguments("gunicorn 'app", "refused: has an unterminated quote | last [gunicorn]"),
                arguments("gunicorn \"app", "refused: has an unterminated quote | last [gunicorn]"),
                arguments("gunicorn app \\", "refused: ends with a backslash | last [gunicorn, app]"),
                arguments("gunicorn *.py", "refused: uses a glob in the last command | last [gunicorn, *.py]"),
                arguments("exec gunicorn app?", "refused: uses a glob in the last command | last [gunicorn, app?]"),
                arguments("gunicorn app; echo done", "refused: ends with the shell builtin echo | last [echo, done]"),
                arguments("cd /app", "refused: ends with the shell builtin cd | last []"),
                arguments("", "refused: is empty | last []"),
                arguments("  # only a comment\n", "refused: is empty | last []"),
                arguments("A=1", "refused: ends without a command | last []"),
                arguments("A=1 exec", "refused: ends with exec without a command | last []"),
                arguments("\"set\" -e; gunicorn", "refused: uses set | last [gunicorn]"),
                arguments("\"if\" x; gunicorn", "prefixed: \"if\" x; exec gunicorn | last [gunicorn]"),
                arguments("gunicorn a\0b", "refused: has a NUL character | last []"),
                arguments("exec -a name gunicorn", "refused: passes options to exec | last [-a, name, gunicorn]"),
                arguments("gunicorn &&", "refused: has a syntax error | last [gunicorn]"),
                arguments("; gunicorn", "refused: has a syntax error | last []"),
                arguments("gunicorn app;; x", "refused: uses case | last [gunicorn, app]"),
                arguments("gunicorn $'\\n'", "refused: uses $'...' quoting | last [gunicorn]"),
                arguments("gunicorn ${", "refused: has a bad ${...} | last [gunicorn]"),
                arguments("gunicorn ${X:-a", "refused: has an unterminated ${...} | last [gunicorn]"),
                arguments("gunicorn \"${X:-'a'}\"", "refused: uses quotes inside ${...} | last [gunicorn]"),
                arguments("gunicorn $((1)+(2))", "refused: uses complex arithmetic | last [gunicorn]"));
    }

    @Test
    void unquotedExpansionIsNotProvedWhenTheEnvSetsIfs() {
        Map<String, String> env = env("PORT", "8000", "IFS", "0");
        assertEquals(
                "prefixed: exec gunicorn -b :$PORT | last [gunicorn, -b, :$PORT]",
                describe(ShellReader.read("gunicorn -b :$PORT", env)));
        assertEquals("exec form [gunicorn, -b, :$(PORT)]", describe(ShellReader.read("gunicorn -b \":$PORT\"", env)));
    }

    @Test
    void variablesTheShellSetsItselfAreNotProved() {
        Map<String, String> env = env("PWD", "/x", "SHLVL", "1", "BASH_ENV", "/e", "HOSTNAME", "h");
        assertEquals(
                "prefixed: cd /app && exec gunicorn \"$PWD\" | last [gunicorn, \"$PWD\"]",
                describe(ShellReader.read("cd /app && gunicorn \"$PWD\"", env)));
        assertEquals(
                "prefixed: exec gunicorn \"$SHLVL$BASH_ENV\" \"$HOSTNAME\""
                        + " | last [gunicorn, \"$SHLVL$BASH_ENV\", \"$HOSTNAME\"]",
                describe(ShellReader.read("gunicorn \"$SHLVL$BASH_ENV\" \"$HOSTNAME\"", env)));
    }

    @Test
    void relativeCdIsNotJoinedWhenTheEnvSetsCdpath() {
        assertEquals(
                "prefixed: cd /srv && cd app && exec gunicorn | last [gunicorn]",
                describe(ShellReader.read("cd /srv && cd app && gunicorn", env("CDPATH", "/opt"))));
    }

    @Test
    void lastCommandKeepsWordsWithCommasAndSpacesWhole() {
        assertEquals(
                List.of("gunicorn", "a, b", "$(PORT)"),
                ShellReader.read("gunicorn 'a, b' \"$PORT\" | cat", ENV).lastCommand());
    }

    @Test
    void nullScriptOrEnvIsHandled() {
        assertEquals("refused: is empty | last []", describe(ShellReader.read(null, ENV)));
        assertEquals("exec form [gunicorn]", describe(ShellReader.read("gunicorn", null)));
    }

    /** One line per outcome, as used in the tables. */
    static String describe(Reading reading) {
        if (reading instanceof Reading.ExecForm form) {
            String dir = form.workingDir().map(d -> " in " + d).orElse("");
            String env = form.env().isEmpty()
                    ? ""
                    : " with "
                            + form.env().stream()
                                    .map(a -> a.name() + "=" + a.value())
                                    .toList();
            return "exec form " + form.argv() + dir + env;
        }
        if (reading instanceof Reading.ExecPrefixed prefixed) {
            return "prefixed: " + prefixed.script() + " | last " + prefixed.lastCommand();
        }
        if (reading instanceof Reading.AlreadyExec) {
            return "already exec | last " + reading.lastCommand();
        }
        Reading.Refused refused = (Reading.Refused) reading;
        return "refused: " + refused.reason() + " | last " + refused.lastCommand();
    }

    /** A map from alternating names and values; values may be null. */
    static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }
}
