package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.List;
import java.util.Map;

/**
 * What the engine made of one pod.
 *
 * @param fixed      the pod with every fix applied (equal to the input when nothing applied)
 * @param patch      RFC 6902 operations from the pod as received to {@code fixed}; empty when none
 * @param findings   every change and finding, in order
 * @param applied    fix ids applied, by container name ({@code ""} for the pod as a whole)
 * @param servers    the server recognised in each analysed container, by container name
 * @param reportOnly the pod asked to be reported on only ({@code pid1.io/inject: audit})
 */
public record Outcome(JsonNode fixed, ArrayNode patch, List<Finding> findings, Map<String, List<String>> applied,
                      Map<String, String> servers, boolean reportOnly) {

    public boolean changed() {
        return !patch.isEmpty();
    }
}
