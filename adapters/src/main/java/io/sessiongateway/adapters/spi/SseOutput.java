package io.sessiongateway.adapters.spi;

import java.util.function.Consumer;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * The entity of an {@link EventStreams} response: Jersey writes its chunks as the stream's writer hands them over and
 * holds no thread in between. The HTTP server attaches the connection's {@link StreamTransport} before the first
 * byte goes out.
 */
public final class SseOutput extends ChunkedOutput<String> {
    private final Consumer<StreamTransport> attach;
    private final Runnable closed;

    SseOutput(Consumer<StreamTransport> attach, Runnable closed) {
        super(String.class, new byte[0]);
        this.attach = attach;
        this.closed = closed;
    }

    /** Called by the HTTP server once per response, on the request's thread. */
    public void attach(StreamTransport transport) {
        attach.accept(transport);
    }

    @Override
    protected void onClose(Exception e) {
        closed.run();
    }
}
