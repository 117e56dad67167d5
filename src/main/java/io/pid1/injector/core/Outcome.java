package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine made of one pod.
 *
 * @param fixed      the pod with every fix applied (equal to the input when nothing applied)
 * @param patch      RFC 6902 operations from the pod as received to {@code fixed}; empty when none
 * @param findings   every change and finding, in order
 * @param applied    fix ids applied, by container name ({@code ""} for the pod as a whole)
 * @param servers    the server recognised in each analysed container, by container name
 * @param reportOnly the pod asked to be reported on only ({@code pid1.io/inject: audit})
 * @param containers one outcome per container of {@code spec.containers}, in order; empty when the pod was not
 *                   analysed (opted out, a Windows or mirror pod, too many containers)
 */
public record Outcome(
        JsonNode fixed,
        ArrayNode patch,
        List<Finding> findings,
        Map<String, List<String>> applied,
        Map<String, String> servers,
        boolean reportOnly,
        List<ContainerOutcome> containers) {

    public boolean changed() {
        return !patch.isEmpty();
    }

    /**
     * The pod's outcome as one kind: not understood when any container is (a fix elsewhere must not hide a
     * container nobody looked at), else fixed when any is, else fine when any is, else not master-worker; empty
     * when no container was analysed.
     */
    public Optional<ContainerOutcome.Kind> podKind() {
        for (ContainerOutcome.Kind kind : List.of(
                ContainerOutcome.Kind.NOT_UNDERSTOOD,
                ContainerOutcome.Kind.FIXED,
                ContainerOutcome.Kind.FINE,
                ContainerOutcome.Kind.NOT_MASTER_WORKER)) {
            if (containers.stream().anyMatch(c -> c.kind() == kind)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
