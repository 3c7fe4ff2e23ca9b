package io.sessiongateway.adapters.everruns;

import io.sessiongateway.core.model.SessionStatus;

/** Everruns' status as a projection of the canonical state (README, "Status"). */
public final class EverrunsStatus {
    private EverrunsStatus() {}

    /** Started (no turn yet), active (a turn running), idle (waiting for input, or finished). */
    public static String of(SessionStatus s) {
        return switch (s) {
            case CREATED -> "started";
            case RUNNING -> "active";
            case WAITING, COMPLETED, FAILED, CANCELLED, ARCHIVED -> "idle";
        };
    }
}
