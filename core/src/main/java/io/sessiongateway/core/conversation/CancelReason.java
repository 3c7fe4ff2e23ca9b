package io.sessiongateway.core.conversation;

import java.util.Arrays;

/** Why a turn was cancelled (TrueFoundry's reasons, the richest vendor set). */
public enum CancelReason {
    /** A client cancelled it. */
    CLIENT_CANCELLED("client-cancelled"),
    /** A new turn replaced it. */
    CANCELLED_FOR_NEXT_TURN("cancelled-for-next-turn"),
    /** Its session was deleted. */
    ABANDONED("abandoned"),
    /** It ran past its deadline. */
    SERVER_EXECUTION_TIMEOUT("server-execution-timeout");

    private final String value;

    CancelReason(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static CancelReason fromValue(String value) {
        return Arrays.stream(values())
                .filter(r -> r.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(value));
    }
}
