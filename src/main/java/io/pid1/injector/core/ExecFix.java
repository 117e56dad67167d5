package io.pid1.injector.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pid1.injector.shell.Reading;

/**
 * {@code exec}: a shell wrapper as PID 1 neither forwards SIGTERM nor dies of it. The script is
 * rewritten into exec form when that provably keeps its meaning, else the shell gets {@code exec}
 * before its last command, else it is left alone with a finding.
 */
final class ExecFix implements Fix {

    @Override
    public FixKind kind() {
        return FixKind.EXEC;
    }

    @Override
    public void apply(PodDraft pod, ContainerDraft c) {
        if (c.shell().isEmpty()) {
            return;
        }
        ContainerDraft.ShellCall call = c.shell().get();
        String wrapper = "\"" + call.shell() + "\"";
        Reading reading = call.reading();
        if (call.behind()) {
            if (!c.shellExecs()) {
                pod.report(
                        c,
                        kind(),
                        c.subject() + " runs under " + wrapper + " behind the image's entrypoint,"
                                + " without exec; left as is");
            }
            return;
        }
        if (reading instanceof Reading.ExecForm form) {
            if (form.env().stream().anyMatch(a -> c.env.containsKey(a.name()))) {
                pod.report(c, kind(), "script assigns a variable the container's env defines; left as is");
                return;
            }
            c.replaceArgv(form.argv());
            form.workingDir().ifPresent(dir -> c.node.put("workingDir", dir));
            if (!form.env().isEmpty()) {
                ArrayNode env = Json.arrayAt(c.node, "env");
                form.env().forEach(a -> env.addObject().put("name", a.name()).put("value", a.value()));
            }
            pod.applied(c, kind(), c.subject() + " ran under " + wrapper + "; now exec form");
        } else if (reading instanceof Reading.ExecPrefixed prefixed) {
            c.replaceWord(call.scriptIndex(), prefixed.script());
            c.shellNowExecs();
            pod.applied(
                    c, kind(), c.subject() + " ran under " + wrapper + " after other commands; the shell now execs it");
        } else if (reading instanceof Reading.Refused refused) {
            pod.report(
                    c,
                    kind(),
                    (c.server().isPresent()
                                    ? c.subject() + " runs under " + wrapper + ", whose script"
                                    : wrapper + " script")
                            + " " + refused.reason() + "; left as is");
        }
    }
}
