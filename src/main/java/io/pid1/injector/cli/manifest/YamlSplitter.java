package io.pid1.injector.cli.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a YAML stream into the raw text of its documents. A document marker ({@code ---}) or end
 * marker ({@code ...}) at the start of a line always delimits documents in YAML, even inside a
 * block scalar, so each piece can be parsed alone and printed back byte for byte.
 */
final class YamlSplitter {

    /** One document's text as written, starting with its own {@code ---} line when it had one. */
    record Piece(String text, int firstLine) {}

    private static final Pattern START = Pattern.compile("---(?=[ \\t\\r\\n]|$)");
    private static final Pattern END = Pattern.compile("\\.\\.\\.(?=[ \\t\\r\\n]|$)");

    private YamlSplitter() {}

    /** The pieces in order; pieces that hold nothing but white space (or a lone end marker) are dropped. */
    static List<Piece> split(String stream) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int firstLine = 1;
        int lineNumber = 0;
        int start = 0;
        while (start < stream.length()) {
            int end = stream.indexOf('\n', start);
            end = end < 0 ? stream.length() : end + 1;
            String line = stream.substring(start, end);
            lineNumber++;
            if (START.matcher(line).lookingAt()) {
                add(pieces, current, firstLine);
                current = new StringBuilder();
                firstLine = lineNumber;
                current.append(line);
            } else if (END.matcher(line).lookingAt()) {
                current.append(line);
                add(pieces, current, firstLine);
                current = new StringBuilder();
                firstLine = lineNumber + 1;
            } else {
                current.append(line);
            }
            start = end;
        }
        add(pieces, current, firstLine);
        return pieces;
    }

    private static void add(List<Piece> pieces, StringBuilder text, int firstLine) {
        String body = text.toString();
        String content = START.matcher(body).replaceFirst("");
        content = content.replaceAll("(?m)^\\.\\.\\.(?=[ \\t\\r\\n]|$)", "");
        if (!content.isBlank()) {
            pieces.add(new Piece(body, firstLine));
        }
    }
}
