package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints documents as one YAML stream for {@code kubectl apply -f -}: unchanged documents as
 * their input text, changed ones as YAML after the comment lines that headed them.
 */
public final class YamlOutput {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .stringQuotingChecker(new Yaml11Quoting())
            .build());
    private static final Pattern MARKER = Pattern.compile("---([ \\t]+#.*)?[ \\t]*\\r?\\n?");
    private static final Pattern STARTS_MARKED = Pattern.compile("---(?=[ \\t\\r\\n]|$)");
    private static final Pattern COMMENT_OR_BLANK = Pattern.compile("[ \\t]*(#.*)?\\r?\\n?");
    private static final Pattern PINNED = Pattern.compile("(?m)^([ \\t]*(?:- )?image: \\S+@(sha256:[0-9a-f]{64}))$");
    /** Said beside an image the engine pinned: a reader of the manifest sees why the tag went. */
    static final String PIN_COMMENT =
            "  # pid1: pinned to the digest the command below was read from; " + "retag by re-running mutate";

    private YamlOutput() {}

    /** {@code tree} as the new text of {@code document}, keeping the comment lines that headed it. */
    public static String render(Document document, JsonNode tree) {
        StringBuilder out = new StringBuilder();
        List<String> lines = document.text().lines().toList();
        int i = 0;
        if (!lines.isEmpty() && MARKER.matcher(lines.get(0)).matches()) {
            out.append(lines.get(0)).append('\n');
            i = 1;
        }
        for (; i < lines.size() && COMMENT_OR_BLANK.matcher(lines.get(i)).matches(); i++) {
            out.append(lines.get(i)).append('\n');
        }
        try {
            return out.append(commentPins(YAML.writeValueAsString(tree), document.text()))
                    .toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    /** Jackson's YAML writer keeps no comments: the line of each digest the input did not have gets one. */
    private static String commentPins(String yaml, String input) {
        return PINNED.matcher(yaml)
                .replaceAll(match -> input.contains(match.group(2))
                        ? java.util.regex.Matcher.quoteReplacement(match.group(1))
                        : java.util.regex.Matcher.quoteReplacement(match.group(1) + PIN_COMMENT));
    }

    /** The texts as one stream: each after a {@code ---} line unless it starts with its own. */
    public static String stream(List<String> texts) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            boolean marked = STARTS_MARKED.matcher(text).lookingAt();
            if (i > 0 && !marked) {
                out.append("---\n");
            } else if (i == 0 && !marked && texts.size() > 1 && startsAsJson(text)) {
                out.append("---\n");
            }
            out.append(text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** kubectl reads a stream that starts with a JSON object as JSON only; a leading marker makes it YAML. */
    private static boolean startsAsJson(String text) {
        String start = text.stripLeading();
        return start.startsWith("{") || start.startsWith("[");
    }
}
