package io.pid1.injector.cli.manifest;

import java.io.PrintWriter;

/**
 * A progress line on stderr while many documents are analysed, rewritten in place; silent when
 * stderr is not a terminal or the input is small.
 */
public final class Progress {

    /** Fewer documents than this finish too fast to need a progress line. */
    public static final int THRESHOLD = 300;

    private static final int STEP = 100;

    private final PrintWriter err;
    private final int total;
    private final boolean shown;

    public Progress(PrintWriter err, int total, boolean terminal) {
        this.err = err;
        this.total = total;
        this.shown = terminal && total > THRESHOLD;
    }

    /** Says that {@code done} documents are analysed. */
    public void update(int done) {
        if (shown && (done % STEP == 0 || done == total)) {
            err.print("\rpid1-injector: analysed " + done + "/" + total + " documents");
            if (done == total) {
                err.println();
            }
            err.flush();
        }
    }
}
