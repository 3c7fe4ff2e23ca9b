package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.core.model.SessionStatus;

/** Agentcloud's status as a projection of the canonical state (README, "Status"). */
public final class AgentcloudStatus {
    private AgentcloudStatus() {}

    /** The warning flag shows as {@code warning} while the session is live. */
    public static String of(SessionStatus s, boolean warning) {
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

    /** Shown as {@code terminated}: the vendor's inactive session, which refuses messages. */
    public static boolean isTerminated(SessionStatus s) {
        return s == SessionStatus.COMPLETED || s == SessionStatus.CANCELLED || s == SessionStatus.ARCHIVED;
    }
}
