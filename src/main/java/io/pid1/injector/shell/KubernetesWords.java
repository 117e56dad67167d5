package io.pid1.injector.shell;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders shell words as Kubernetes {@code command}/{@code args}/{@code env} strings, where
 * {@code $(NAME)} expands from the container's env and {@code $$} stands for {@code $}; only when
 * the shell provably yields exactly one field with the same text.
 */
final class KubernetesWords {

    /** Unquoted characters whose meaning depends on the shell (globs, tilde, bash brace expansion). */
    private static final String UNSAFE_UNQUOTED = "*?[~{}";
    /** Characters an unquoted expansion must not yield: field splitting and globbing would act on them. */
    private static final String UNSAFE_EXPANDED = " \t\n*?[\\";

    /** Variables the shell sets itself, whatever the env says ({@code cd} sets {@code PWD}, …). */
    private static final Set<String> SET_BY_SHELL = Set.of(
            "PWD",
            "OLDPWD",
            "PPID",
            "LINENO",
            "RANDOM",
            "SRANDOM",
            "SECONDS",
            "SHLVL",
            "IFS",
            "OPTIND",
            "OPTARG",
            "PS1",
            "PS2",
            "PS4",
            "UID",
            "EUID",
            "GROUPS",
            "HOSTNAME",
            "HOSTTYPE",
            "MACHTYPE",
            "OSTYPE",
            "HISTCMD",
            "EPOCHSECONDS",
            "EPOCHREALTIME",
            "COLUMNS",
            "LINES",
            "_");

    private final Map<String, String> env;

    KubernetesWords(Map<String, String> env) {
        this.env = env;
    }

    /** The word as one Kubernetes string, or empty when the shell's result cannot be proved. */
    Optional<String> render(Word word) {
        List<WordPart> parts = word.parts();
        // Most words are one literal with no $ to double: its text as it is, checked as any literal.
        if (parts.size() == 1
                && parts.get(0) instanceof WordPart.Literal literal
                && literal.text().indexOf('$') < 0) {
            return segment(literal).map(Segment::text);
        }
        List<Segment> segments = new ArrayList<>(parts.size());
        for (WordPart part : word.parts()) {
            Optional<Segment> segment = segment(part);
            if (segment.isEmpty()) {
                return Optional.empty();
            }
            segments.add(segment.get());
        }
        return Optional.of(join(segments));
    }

    /** The words as Kubernetes strings, or empty when one of them cannot be proved. */
    Optional<List<String>> render(List<Word> words) {
        String[] rendered = new String[words.size()];
        for (int i = 0; i < rendered.length; i++) {
            Optional<String> word = render(words.get(i));
            if (word.isEmpty()) {
                return Optional.empty();
            }
            rendered[i] = word.get();
        }
        return Optional.of(List.of(rendered));
    }

    /** The word as a Kubernetes string when proved, else as written; for messages. */
    String describe(Word word, String script) {
        return render(word).orElseGet(() -> word.raw(script));
    }

    /**
     * The value of an assignment word {@code NAME=value} as a Kubernetes env value, when the value
     * is fully literal (no expansion, no unquoted tilde); else empty.
     */
    Optional<String> assignmentValue(Word assignment) {
        List<Segment> segments = new ArrayList<>();
        List<WordPart> parts = assignment.parts();
        for (int i = 0; i < parts.size(); i++) {
            if (!(parts.get(i) instanceof WordPart.Literal literal)) {
                return Optional.empty();
            }
            String text = i == 0 ? literal.text().substring(literal.text().indexOf('=') + 1) : literal.text();
            if (!literal.quoted() && text.indexOf('~') >= 0) {
                return Optional.empty();
            }
            segments.add(new Segment(text, true));
        }
        return Optional.of(join(segments));
    }

    /** The names of the parameters the word expands. */
    static Set<String> parameters(Word word) {
        Set<String> names = Set.of();
        for (WordPart part : word.parts()) {
            if (part instanceof WordPart.Parameter parameter) {
                if (names.isEmpty()) {
                    names = new HashSet<>();
                }
                names.add(parameter.name());
            }
        }
        return names;
    }

    private Optional<Segment> segment(WordPart part) {
        if (part instanceof WordPart.Literal literal) {
            if (!literal.quoted() && Word.containsAny(literal.text(), UNSAFE_UNQUOTED)) {
                return Optional.empty();
            }
            return Optional.of(new Segment(literal.text(), true));
        }
        if (part instanceof WordPart.Parameter parameter && isProvable(parameter)) {
            return Optional.of(new Segment("$(" + parameter.name() + ")", false));
        }
        return Optional.empty();
    }

    private boolean isProvable(WordPart.Parameter parameter) {
        String name = parameter.name();
        if (!isName(name) || !env.containsKey(name) || SET_BY_SHELL.contains(name) || name.startsWith("BASH")) {
            return false;
        }
        String value = env.get(name);
        boolean operatorHolds = switch (parameter.operator()) {
            case "" -> true;
            case ":-" -> value != null && !value.isEmpty();
            case "-" -> value != null;
            default -> false;
        };
        if (!operatorHolds) {
            return false;
        }
        return parameter.quoted() || isSingleField(value);
    }

    /** Whether an unquoted expansion of {@code value} is exactly {@code value}, as one field. */
    private boolean isSingleField(String value) {
        return value != null
                && !value.isEmpty()
                && !env.containsKey("IFS")
                && !Word.containsAny(value, UNSAFE_EXPANDED);
    }

    private static boolean isName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && (c >= 128 || !Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }

    /** Concatenates, doubling each literal {@code $} that Kubernetes would otherwise read as syntax. */
    private static String join(List<Segment> segments) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (!segment.literal()) {
                out.append(segment.text());
                continue;
            }
            String text = segment.text();
            for (int j = 0; j < text.length(); j++) {
                char c = text.charAt(j);
                out.append(c);
                if (c == '$' && isSyntaxAfterDollar(charAfter(segments, i, j))) {
                    out.append('$');
                }
            }
        }
        return out.toString();
    }

    private static boolean isSyntaxAfterDollar(char next) {
        return next == '$' || next == '(';
    }

    /** The character after position {@code index} of segment {@code segment}, or 0 at the end. */
    private static char charAfter(List<Segment> segments, int segment, int index) {
        String text = segments.get(segment).text();
        if (index + 1 < text.length()) {
            return text.charAt(index + 1);
        }
        for (int i = segment + 1; i < segments.size(); i++) {
            if (!segments.get(i).text().isEmpty()) {
                return segments.get(i).text().charAt(0);
            }
        }
        return 0;
    }

    private record Segment(String text, boolean literal) {}
}
