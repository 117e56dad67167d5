package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The injected {@code pid1-init} container and its {@code pid1-bin} volume, hardened so the pod
 * still passes Pod Security "restricted", OpenShift's {@code restricted-v2} (no fixed UID: the
 * image's numeric non-root USER applies) and a namespace's ResourceQuota/LimitRange.
 */
final class InitContainer {

    private InitContainer() {}

    /** The copier's own UID when the pod would otherwise run it as root, which runAsNonRoot forbids. */
    static final int NON_ROOT_UID = 65532;

    /**
     * The image holds {@code /tini}, {@code /pid1-probe} and {@code /busybox} (all static); busybox
     * copies the files the pod's containers use, and stays in this container.
     */
    /** What a copier of this version or an earlier one (which also copied busybox) may copy. */
    private static final Set<String> FILES = Set.of("tini", "pid1-probe", "busybox");

    static List<String> copy(Collection<String> files) {
        List<String> command = new ArrayList<>(List.of("/busybox", "cp"));
        files.forEach(file -> command.add("/" + file));
        command.add(PodDraft.MOUNT_PATH + "/");
        return command;
    }

    /** The files a {@link #copy} command copies; empty when {@code command} is not one of ours. */
    static Optional<List<String>> copied(List<String> command) {
        int last = command.size() - 1;
        if (last < 3
                || !command.subList(0, 2).equals(List.of("/busybox", "cp"))
                || !command.get(last).equals(PodDraft.MOUNT_PATH + "/")) {
            return Optional.empty();
        }
        List<String> files = new ArrayList<>();
        for (String source : command.subList(2, last)) {
            String file = source.substring(source.indexOf('/') + 1);
            if (!source.startsWith("/") || !FILES.contains(file)) {
                return Optional.empty();
            }
            files.add(file);
        }
        return Optional.of(files);
    }

    static ObjectNode node(String image, JsonNode podSecurity) {
        ObjectNode init = Json.NODES.objectNode();
        init.put("name", PodDraft.INIT_CONTAINER);
        init.put("image", image);
        init.put("imagePullPolicy", "IfNotPresent");
        init.putArray("command");
        ObjectNode resources = init.putObject("resources");
        resources.putObject("requests").put("cpu", "10m").put("memory", "16Mi");
        resources.putObject("limits").put("cpu", "100m").put("memory", "32Mi");
        ObjectNode security = init.putObject("securityContext");
        security.put("runAsNonRoot", true);
        if (podSecurity.path("runAsUser").asLong(-1) == 0) {
            security.put("runAsUser", NON_ROOT_UID).put("runAsGroup", NON_ROOT_UID);
        }
        security.put("allowPrivilegeEscalation", false);
        security.put("readOnlyRootFilesystem", true);
        security.putObject("capabilities").putArray("drop").add("ALL");
        security.putObject("seccompProfile").put("type", "RuntimeDefault");
        init.putArray("volumeMounts").addObject().put("name", PodDraft.VOLUME).put("mountPath", PodDraft.MOUNT_PATH);
        init.put("terminationMessagePolicy", "FallbackToLogsOnError");
        return init;
    }

    static ObjectNode volume() {
        ObjectNode volume = Json.NODES.objectNode();
        volume.put("name", PodDraft.VOLUME);
        volume.putObject("emptyDir").put("medium", "Memory").put("sizeLimit", "16Mi");
        return volume;
    }
}
