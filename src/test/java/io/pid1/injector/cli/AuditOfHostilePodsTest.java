package io.pid1.injector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code audit} and {@code mutate} say the engine's findings on the pods of issue 20 (the golden
 * cases' {@code in.yaml}), and a table row never carries an annotation's control characters to the
 * terminal.
 */
class AuditOfHostilePodsTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void windowsAndMirrorPodsAreReportedAndPrintedUnchanged() throws Exception {
        for (String name : List.of("110-windows-gunicorn", "111-windows-node-selector", "112-mirror-static-pod")) {
            String file = GOLDEN.resolve(name).resolve("in.yaml").toString();
            CliRun audit = CliRun.of("audit", "-f", file);
            assertTrue(audit.out().contains("left as is"), audit.out());
            CliRun mutate = CliRun.of("mutate", "-f", file);
            assertEquals(0, mutate.exit(), mutate.err());
            assertEquals(Files.readString(Path.of(file)), mutate.out(), "printed as read");
        }
    }

    @Test
    void anAuthorsPid1InitIsReportedAndNotDuplicated() {
        String file = GOLDEN.resolve("113-own-init-container-pid1-init")
                .resolve("in.yaml")
                .toString();
        CliRun audit = CliRun.of("audit", "-f", file);
        assertTrue(audit.out().contains("the pod's own init container \"pid1-init\""), audit.out());
        CliRun mutate = CliRun.of("mutate", "-f", file);
        assertEquals(1, mutate.out().split("name: pid1-init", -1).length - 1, mutate.out());
    }

    @Test
    void controlCharactersInAnnotationsReachTheTableEscaped() {
        String file = GOLDEN.resolve("118-annotations-control-chars")
                .resolve("in.yaml")
                .toString();
        for (String format : new String[] {"table", "json", "sarif"}) {
            String out = CliRun.of("audit", "-o", format, "-f", file).out();
            assertTrue(out.contains("u001b[31mshim"), out);
            assertTrue(out.chars().noneMatch(ch -> ch == 0x1b || ch == 0x7f || ch == 0x202e || ch == '\r'), out);
        }
    }
}
