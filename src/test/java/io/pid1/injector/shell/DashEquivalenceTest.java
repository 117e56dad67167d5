package io.pid1.injector.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs real dash: an {@link Reading.ExecForm}, started as the kubelet would (after its
 * {@code $(VAR)} expansion, in its working dir, with its env), prints exactly what
 * {@code dash -c script} prints. {@code SHOW} in a script stands for a program that prints its
 * working dir, {@code $A} and its arguments.
 */
class DashEquivalenceTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "SHOW app:app -w 4",
                "cd / && SHOW a",
                "cd /usr && cd ./bin/ && exec SHOW x",
                "A='x  y' SHOW --bind 0.0.0.0:$PORT",
                "SHOW \"$SPACED\" \"${EMPTY-d}\" \"$EMPTY\" ${PORT:-1} \"${SPACED:-x}\"",
                "SHOW '$(x)' '$$' '$'\"$PORT\" 'a$b' \\$HOME '$' \"$\" x$ '$((1))'",
                "SHOW a\\ b \"q \\\"x\\\" \\\\ \\y \\$\" '' \"\"",
                "# start\nSHOW \\\n  x # y\n",
                "A='$(PORT)$$' SHOW \"$DOLLARS\" $DOLLARS",
                "cd / &&\n\nA=1 exec SHOW \"${GLOB}\" a#b '*'",
            })
    void execFormPrintsWhatDashPrints(String template) throws Exception {
        Dash dash = new Dash(dir);
        String script = template.replace("SHOW", dash.show.toString());
        Reading reading = ShellReader.read(script, Dash.ENV);
        Reading.ExecForm form = assertInstanceOf(Reading.ExecForm.class, reading);
        String direct = dash.execForm(form);
        assertEquals(Dash.withoutParent(dash.shell(script)), Dash.withoutParent(direct));
        assertTrue(direct.contains("parent=java"), direct);
    }
}
