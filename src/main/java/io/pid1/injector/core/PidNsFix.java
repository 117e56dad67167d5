package io.pid1.injector.core;

/**
 * {@code pidns}: with {@code shareProcessNamespace} the pause container is PID 1 and reaps zombies.
 * Only on request (or with the shim): it shows every container's processes and files to the others
 * and does not save a shell-wrapped server.
 */
final class PidNsFix implements Fix {

    @Override
    public FixKind kind() {
        return FixKind.PIDNS;
    }

    @Override
    public void applyToPod(PodDraft pod) {
        if (pod.options.init() == InitMode.SHIM && pod.shimTaken.isPresent() || pod.sharesProcessNamespace()) {
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
