package io.sessiongateway.core.conversation;

import java.util.Locale;

/** A turn's state: {@code queued -> running -> done | error | cancelled}, or {@code queued -> cancelled}. */
public enum TurnStatus {
    QUEUED,
    RUNNING,
    DONE,
    CANCELLED,
    ERROR;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TurnStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Done, error or cancelled: nothing changes it any more. */
    public boolean isFinished() {
        return this == DONE || this == CANCELLED || this == ERROR;
    }
}
