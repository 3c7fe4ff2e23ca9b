package io.sessiongateway.adapters.recoup;

import io.sessiongateway.core.model.SessionStatus;

/** Recoup's status as a projection of the canonical state (README, "Status"). */
public final class RecoupStatus {
    private RecoupStatus() {}

    /** Running until it ends; a cancelled session is completed (it ended without a failure). */
    public static String of(SessionStatus s) {
        return switch (s) {
            case CREATED, RUNNING, WAITING -> "running";
            case COMPLETED, CANCELLED -> "completed";
            case FAILED -> "failed";
            case ARCHIVED -> "archived";
        };
    }
}
