package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;

/**
 * The status table: each dialect's enum as a projection of the canonical state (README, "Status"). TrueFoundry
 * shows no status.
 */
public final class Statuses {
    private Statuses() {
    }

    /** Everruns: started (no turn yet), active (a turn running), idle (waiting for input, or finished). */
    public static String everruns(SessionStatus s) {
        return switch (s) {
            case CREATED -> "started";
            case RUNNING -> "active";
            case WAITING, COMPLETED, FAILED, CANCELLED, ARCHIVED -> "idle";
        };
    }

    /** Agentcloud: the warning flag shows as {@code warning} while the session is live. */
    public static String agentcloud(SessionStatus s, boolean warning) {
        if (warning && !s.isFinished()) {
            return "warning";
        }
        return switch (s) {
            case CREATED -> "started";
            case RUNNING -> "running";
            case WAITING -> "waiting";
            case FAILED -> "error";
            case COMPLETED, CANCELLED, ARCHIVED -> "terminated";
        };
    }

    /** Recoup: running until it ends; a cancelled session is completed (it ended without a failure). */
    public static String recoup(SessionStatus s) {
        return switch (s) {
            case CREATED, RUNNING, WAITING -> "running";
            case COMPLETED, CANCELLED -> "completed";
            case FAILED -> "failed";
            case ARCHIVED -> "archived";
        };
    }

    public static String everruns(Session s) {
        return everruns(s.status());
    }

    public static String agentcloud(Session s) {
        return agentcloud(s.status(), s.warning());
    }

    public static String recoup(Session s) {
        return recoup(s.status());
    }
}
