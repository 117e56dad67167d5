package io.pid1.injector.cli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cutting YAML streams: the pieces put back together are the input, minus empty documents. */
class YamlSplitterTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            one document              ; a: 1\\n                                ; a: 1\\n                               ; 1
            leading marker            ; ---\\na: 1\\n                          ; ---\\na: 1\\n                         ; 1
            two documents             ; a: 1\\n---\\nb: 2\\n                   ; a: 1\\n,---\\nb: 2\\n                 ; 1,2
            marker with comment       ; a: 1\\n--- # x\\nb: 2                  ; a: 1\\n,--- # x\\nb: 2                ; 1,2
            comment-only first piece  ; # head\\n---\\nb: 2\\n                 ; # head\\n,---\\nb: 2\\n               ; 1,2
            empty documents dropped   ; ---\\n---\\na: 1\\n---\\n              ; ---\\na: 1\\n                         ; 2
            four dashes are content   ; a: |\\n ----\\n----x: 1\\n             ; a: |\\n ----\\n----x: 1\\n            ; 1
            indented marker is content; a: |\\n  ---\\n  b\\n                  ; a: |\\n  ---\\n  b\\n                 ; 1
            end marker                ; a: 1\\n...\\n---\\nb: 2\\n             ; a: 1\\n...\\n,---\\nb: 2\\n            ; 1,3
            CRLF                      ; a: 1\\r\\n---\\r\\nb: 2\\r\\n          ; a: 1\\r\\n,---\\r\\nb: 2\\r\\n        ; 1,2
            """)
    void piecesAndTheirFirstLines(String what, String stream, String pieces, String firstLines) {
        List<YamlSplitter.Piece> split = YamlSplitter.split(unescape(stream));
        assertEquals(
                List.of(unescape(pieces).split(",")),
                split.stream().map(YamlSplitter.Piece::text).toList(),
                what);
        assertEquals(
                firstLines,
                String.join(
                        ",",
                        split.stream().map(p -> String.valueOf(p.firstLine())).toList()),
                what);
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n").replace("\\r", "\r");
    }
}
