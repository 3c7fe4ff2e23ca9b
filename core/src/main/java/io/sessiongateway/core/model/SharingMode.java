package io.sessiongateway.core.model;

import java.util.Locale;

/** Agentcloud's sharing modes, kept for every session: who besides the owner may read it. */
public enum SharingMode {
    /** Only the owner (and those listed in the permissions map). */
    RESTRICTED,
    /** Members of the session's team. */
    TEAM,
    /** Anyone, without credentials. */
    PUBLIC;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SharingMode fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
