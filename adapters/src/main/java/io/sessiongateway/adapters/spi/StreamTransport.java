package io.sessiongateway.adapters.spi;

/**
 * What the HTTP server tells an open stream about its connection (the server attaches it to every {@link
 * EventStreams} response before the first byte is written): how many bytes are written but not yet taken by the
 * client's socket, and when the connection closes. Without one a stream learns of a gone client on its next write.
 */
public interface StreamTransport {
    /** Bytes queued for the client that its socket has not taken yet. */
    long pendingBytes();

    /**
     * Runs {@code listener} once when the connection closes (at once when it is already closed).
     *
     * @return what the stream runs when it ends: removes the listener and restores what the server changed on the
     *     connection for the stream (the connection lives on for the next request)
     */
    Runnable onClose(Runnable listener);
}
