package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * Reads a document into a tree while noting where each object and array starts, and where
 * each {@code name} field is: for a container written as {@code - name: web}, the line of that entry.
 */
final class LocatingParser extends JsonParserDelegate {

    /** The field whose line stands for its object: a container's {@code name}. */
    private static final String NAME = "name";

    private final SourceLines lines;
    private final int lineOffset;

    LocatingParser(JsonParser parser, SourceLines lines, int lineOffset) {
        super(parser);
        this.lines = lines;
        this.lineOffset = lineOffset;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken token = super.nextToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            JsonStreamContext parent = getParsingContext().getParent();
            lines.record(parent.pathAsPointer(), line());
        } else if (token == JsonToken.FIELD_NAME && NAME.equals(currentName())) {
            lines.record(getParsingContext().pathAsPointer(), line());
        }
        return token;
    }

    private int line() {
        return getTokenLocation().getLineNr() + lineOffset;
    }
}
