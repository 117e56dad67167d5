package io.pid1.injector.core;

/**
 * {@code pidns}: with {@code shareProcessNamespace} the pause container is PID 1 and reaps zombies.
 * Only on request, or for a {@code pid1-shim} the pod got ({@link ShimFix}): it shows every container's
 * processes and files to the others, does not save a shell-wrapped server, and takes PID 1 from the
 * server, which a {@code pid1-probe stop} preStop signals.
 */
final class PidNsFix implements Fix {

    @Override
    public FixKind kind() {
        return FixKind.PIDNS;
    }

    @Override
    public void applyToPod(PodDraft pod) {
        share(pod);
    }

    static void share(PodDraft pod) {
        if (pod.sharesProcessNamespace()) {
            return;
        }
        if (pod.hostPid()) {
            pod.reportPod(FixKind.PIDNS, "shareProcessNamespace cannot be set with hostPID; left as is");
            return;
        }
        pod.spec.put("shareProcessNamespace", true);
        pod.appliedPod(FixKind.PIDNS, "shareProcessNamespace set: pause is PID 1 and reaps zombies");
    }
}
