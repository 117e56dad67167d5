package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

import java.io.IOException;

/**
 * Reads a document into a tree while noting where each object starts: for a container written
 * as {@code - name: web}, the line of that entry.
 */
final class LocatingParser extends JsonParserDelegate {

    private final Lines lines;
    private final int lineOffset;

    LocatingParser(JsonParser parser, Lines lines, int lineOffset) {
        super(parser);
        this.lines = lines;
        this.lineOffset = lineOffset;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken token = super.nextToken();
        if (token == JsonToken.START_OBJECT) {
            JsonStreamContext parent = getParsingContext().getParent();
            lines.record(parent.pathAsPointer(), getTokenLocation().getLineNr() + lineOffset);
        }
        return token;
    }
}
