package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input and bad usage: exit 2, one line on stderr naming the file and line, nothing on stdout. */
class BadInputTest {

    private static final String GOOD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
            + "spec: {containers: [{name: web, image: x, command: [gunicorn, app]}]}\n---\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid YAML          | key: [unclosed\\n                                   | -:7: invalid YAML: expected
            no kind               | apiVersion: v1\\nmetadata: {name: x}\\n              | -:6: document has no kind
            no kind after comment | # a comment\\n\\napiVersion: v1\\nmetadata: {}\\n    | -:8: document has no kind
            not a mapping         | - a\\n- b\\n                                         | -:6: document is not a mapping
            List item without kind| apiVersion: v1\\nkind: List\\nitems:\\n- {a: 1}\\n  | -:9: List item 0 has no kind
            tab in indentation    | a:\\n\\tb: 1\\n                                      | -:7: invalid YAML:
            """)
    void badDocumentsAreOneLineNamingFileAndLine(String what, String document, String reason) {
        for (String command : new String[] {"mutate", "audit"}) {
            CliRun run =
                    CliRun.with(GOOD + document.replace("\\n", "\n").replace("\\t", "\t"), false, command, "-f", "-");
            assertEquals(2, run.exit(), what);
            assertEquals("", run.out(), "nothing half-written: " + run.out());
            assertTrue(run.err().startsWith("pid1-injector: " + reason), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing file      | mutate -f no/such/file.yaml             | pid1-injector: no/such/file.yaml: no such file or directory
            missing -f        | audit                                   | pid1-injector: Missing required option: '--filename=FILE|DIR|-'
            unknown format    | audit -o xml -f -                       | pid1-injector: Invalid value for option '--output'
            unknown fail-on   | audit --fail-on fix -f -                | pid1-injector: Invalid value for option '--fail-on'
            unknown option    | mutate --bogus -f -                     | pid1-injector: Unknown option: '--bogus'
            bad catalog       | audit --catalog no/such/catalog.yaml -f - | pid1-injector: cannot read catalog file
            """)
    void badUsageIsOneLineAndExitTwo(String what, String args, String start) {
        CliRun run = CliRun.with(GOOD, false, args.split(" "));
        assertEquals(2, run.exit(), what + ": " + run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith(start), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
