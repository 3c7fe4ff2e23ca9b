package io.sessiongateway.adapters.spi;

/** Why an event stream ended: what {@link StreamOptions#closing()} is told, to choose the closing frames. */
public enum StreamEnd {
    /** The stream's end condition held ({@link StreamOptions#endAfter()}: e.g. the turn finished). */
    END,
    /** The gateway is stopping. */
    SHUTDOWN,
    /** The stream reached {@link StreamOptions#maxDuration()}. */
    MAX_DURATION,
    /**
     * The client did not keep up (its socket did not drain, or its events piled up): it resumes from the last id it
     * received. No closing frame is written when its socket is backed up.
     */
    FELL_BEHIND,
    /** The client went away. Nothing more is written. */
    DISCONNECTED
}
