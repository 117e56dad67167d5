package io.pid1.injector.catalog;

import java.util.Locale;

/** What a known sidecar does for the app beside it; says where it is placed and how it is named in a finding. */
public enum SidecarRole {
    /** Ships the app's logs: it must outlive the app to send the last lines. */
    LOGS,
    /** Carries the app's database or cloud API connections: up before the app, down after its drain. */
    DATABASE,
    /** Authenticates requests in front of the app. */
    AUTH,
    /** A service mesh's proxy: the mesh that injects it decides how it runs. */
    MESH;

    /** The role in a sentence: "log shipper", "database proxy", … */
    public String said() {
        return switch (this) {
            case LOGS -> "log shipper";
            case DATABASE -> "database proxy";
            case AUTH -> "auth proxy";
            case MESH -> "mesh proxy";
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
