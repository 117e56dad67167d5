package io.pid1.injector.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Resolves a port reference (a number, or a container port's name) as the kubelet does. */
final class Ports {

    private Ports() {}

    /** The container port number a reference names; fails when a named port does not exist. */
    static int containerPort(Container container, IntOrString reference) {
        if (reference.getIntVal() != null) {
            return reference.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> reference.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "container " + container.getName() + " has no port named " + reference.getStrVal()));
    }
}
