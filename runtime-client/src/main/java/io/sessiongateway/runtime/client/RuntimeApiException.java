package io.sessiongateway.runtime.client;

/** An error answer of the runtime API: its status and the gateway's error code. */
public final class RuntimeApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public RuntimeApiException(int status, String code, String message) {
        super(status + " " + code + ": " + message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * The turn is no longer this worker's to write: cancelled or finished ({@code turn_not_running}), or its lease
     * lapsed or was taken ({@code lease_lost}). The worker stops working on it.
     */
    public boolean isStop() {
        return status == 409;
    }
}
