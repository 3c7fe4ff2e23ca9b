package io.sessiongateway.core.model;

import java.util.Locale;

/**
 * The canonical session state machine, richer than any dialect's enum. Each dialect renders a projection of it
 * (see the README's status table); a write through a dialect maps to the most specific state here.
 *
 * <pre>
 * created -> running <-> waiting -> completed | failed | cancelled ; any -> archived
 * </pre>
 * A warning is a flag beside the state, not a state (Agentcloud alone shows it).
 */
public enum SessionStatus {
    /** Created, no turn has run yet. */
    CREATED,
    /** A turn is executing. */
    RUNNING,
    /** Idle, waiting for input. */
    WAITING,
    /** Finished successfully. */
    COMPLETED,
    /** Finished with an error. */
    FAILED,
    /** Stopped by a user or operator. */
    CANCELLED,
    /** Archived; read-only. */
    ARCHIVED;

    /** The value stored in the database. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** True once the session can no longer run. */
    public boolean isFinished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == ARCHIVED;
    }
}
