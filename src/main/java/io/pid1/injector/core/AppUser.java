package io.pid1.injector.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalInt;

/**
 * Whom a container's processes run as, as far as the pod and its image tell: the container's
 * {@code runAsUser}, else the pod's, else the image's numeric {@code USER} (an image without one runs
 * as root). {@code pid1-shim} takes this UID, so it may signal the app and nothing more.
 *
 * @param uid      the UID, when known
 * @param uidToSet the UID to write into the shim's securityContext: none when the pod's own applies
 * @param gidToSet the GID to write, likewise
 */
record AppUser(OptionalInt uid, OptionalInt uidToSet, OptionalInt gidToSet) {

    static AppUser of(PodDraft pod, ContainerDraft c) {
        JsonNode own = c.node.path("securityContext");
        OptionalInt gid = id(own.path("runAsGroup"));
        OptionalInt uid = id(own.path("runAsUser"));
        if (uid.isPresent()) {
            return new AppUser(uid, uid, gid);
        }
        OptionalInt podUid = id(pod.spec.path("securityContext").path("runAsUser"));
        if (podUid.isPresent()) {
            return new AppUser(podUid, OptionalInt.empty(), gid);
        }
        if (c.image.isEmpty()) {
            return new AppUser(OptionalInt.empty(), OptionalInt.empty(), gid);
        }
        String[] user = c.image.get().user().orElse("").strip().split(":", 2);
        if (user[0].isEmpty() || user[0].equals("root")) {
            return new AppUser(OptionalInt.of(0), OptionalInt.empty(), gid);
        }
        OptionalInt imageUid = number(user[0]);
        if (gid.isEmpty() && imageUid.isPresent() && user.length == 2) {
            gid = number(user[1]);
        }
        return new AppUser(imageUid, imageUid, gid);
    }

    boolean root() {
        return uid.isPresent() && uid.getAsInt() == 0;
    }

    /** A UID or GID; Kubernetes allows 0 to 2147483647. */
    private static OptionalInt id(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 0
                ? OptionalInt.of(node.asInt())
                : OptionalInt.empty();
    }

    private static OptionalInt number(String text) {
        return text.matches("[0-9]{1,9}") ? OptionalInt.of(Integer.parseInt(text)) : OptionalInt.empty();
    }
}
