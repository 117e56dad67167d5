package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A command is read up to {@link ContainerDraft#MAX_COMMAND_CHARS}; a longer one is left as it is, with a finding. */
class CommandCapTest {

    private static final String START = "gunicorn app:app";
    private static final String FLAG = " -w 4";

    @Test
    void aCommandAtTheCapIsFixed() {
        Outcome outcome = GoldenTest.FIXER.fix(shellPod(ContainerDraft.MAX_COMMAND_CHARS), ImageFacts.none());
        assertTrue(outcome.changed());
        assertEquals(List.of("exec", "init", "prestop"), outcome.applied().get("web"));
    }

    @Test
    void aLongerCommandIsLeftAsItIsWithAFinding() {
        Outcome outcome = GoldenTest.FIXER.fix(shellPod(ContainerDraft.MAX_COMMAND_CHARS + 1), ImageFacts.none());
        assertFalse(outcome.changed());
        assertEquals(
                List.of("pid1: container \"web\": command is over 64 KiB; not read, left as it is"),
                outcome.findings().stream().map(Finding::line).toList());
    }

    /** A gunicorn pod under {@code sh -c} whose command is {@code chars} characters long in all. */
    private static ObjectNode shellPod(int chars) {
        int scriptChars = chars - "sh".length() - "-c".length();
        String script = START + FLAG.repeat((scriptChars - START.length()) / FLAG.length());
        script += " ".repeat(scriptChars - script.length());
        ObjectNode pod = Json.MAPPER.createObjectNode();
        ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
        container.put("name", "web").put("image", "python:3.12");
        container.putArray("command").add("sh").add("-c").add(script);
        return pod;
    }
}
