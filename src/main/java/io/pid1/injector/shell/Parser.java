package io.pid1.injector.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a script as a list of simple commands joined by {@code &&}, {@code ;} or newlines.
 * On {@link Unreadable} it still knows the words of the command it was reading.
 */
final class Parser {

    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry("if", "uses if"),
            Map.entry("then", "uses if"),
            Map.entry("else", "uses if"),
            Map.entry("elif", "uses if"),
            Map.entry("fi", "uses if"),
            Map.entry("for", "uses a loop"),
            Map.entry("while", "uses a loop"),
            Map.entry("until", "uses a loop"),
            Map.entry("select", "uses a loop"),
            Map.entry("do", "uses a loop"),
            Map.entry("done", "uses a loop"),
            Map.entry("case", "uses case"),
            Map.entry("esac", "uses case"),
            Map.entry("in", "uses case"),
            Map.entry("{", "uses a { } group"),
            Map.entry("}", "uses a { } group"),
            Map.entry("!", "negates a command"),
            Map.entry("[[", "uses [["),
            Map.entry("]]", "uses [["),
            Map.entry("function", "defines a function"),
            Map.entry("time", "uses time"));

    private final Lexer lexer;
    private final List<Command> commands = new ArrayList<>();
    private List<Word> assignments = new ArrayList<>();
    private List<Word> words = new ArrayList<>();
    private Command.Link link = Command.Link.FIRST;

    Parser(String script) {
        this.lexer = new Lexer(script);
    }

    /** The commands of the script, in order; never empty. */
    List<Command> parse() {
        for (Token token = lexer.next(); token != null; token = lexer.next()) {
            if (token instanceof Token.WordToken wordToken) {
                add(wordToken.word());
            } else if (token instanceof Token.Separator separator) {
                separate(separator.kind());
            }
        }
        if (!isEmpty()) {
            finish(Command.Link.SEQUENCE);
        } else if (link == Command.Link.AND) {
            throw new Unreadable("has a syntax error");
        }
        if (commands.isEmpty()) {
            throw new Unreadable("is empty");
        }
        return List.copyOf(commands);
    }

    /** The words of the command being read, or of the last one read; for messages after a failure. */
    List<Word> partialCommand() {
        if (!words.isEmpty()) {
            return List.copyOf(words);
        }
        return commands.isEmpty()
                ? List.of()
                : commands.get(commands.size() - 1).words();
    }

    private void add(Word word) {
        if (words.isEmpty() && word.isAssignment()) {
            assignments.add(word);
            return;
        }
        if (words.isEmpty() && word.plainText() != null) {
            String reason = RESERVED.get(word.plainText());
            if (reason != null) {
                throw new Unreadable(reason);
            }
        }
        words.add(word);
    }

    private void separate(Token.Kind kind) {
        if (isEmpty()) {
            if (kind == Token.Kind.NEWLINE) {
                return;
            }
            throw new Unreadable("has a syntax error");
        }
        finish(kind == Token.Kind.AND ? Command.Link.AND : Command.Link.SEQUENCE);
    }

    private void finish(Command.Link next) {
        commands.add(new Command(List.copyOf(assignments), List.copyOf(words), link));
        assignments = new ArrayList<>();
        words = new ArrayList<>();
        link = next;
    }

    private boolean isEmpty() {
        return assignments.isEmpty() && words.isEmpty();
    }
}
