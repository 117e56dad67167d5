package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.HashMap;
import java.util.Map;

/** The line in its file where each object of a document starts, by JSON pointer. */
public final class SourceLines {

    private final Map<String, Integer> byPointer = new HashMap<>();
    private final int firstLine;

    SourceLines(int firstLine) {
        this.firstLine = firstLine;
    }

    void record(JsonPointer pointer, int line) {
        byPointer.putIfAbsent(pointer.toString(), line);
    }

    /** The line of the object at {@code pointer}, else of its nearest recorded ancestor. */
    public int of(JsonPointer pointer) {
        for (JsonPointer p = pointer; p != null; p = p.head()) {
            Integer line = byPointer.get(p.toString());
            if (line != null) {
                return line;
            }
        }
        return firstLine;
    }
}
