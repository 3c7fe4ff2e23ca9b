package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.SseOutput;
import io.sessiongateway.adapters.spi.StreamTransport;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Gives every event stream ({@link SseOutput}) its Grizzly connection before the first byte is written: the bytes
 * its socket has not taken yet (so a client that does not read is cut, not waited for) and the connection's close
 * (so a client that leaves frees its subscription at once). The connection's writes are made non-blocking (no limit
 * on Grizzly's write queue for it): the stream applies its own bound, and a writer thread never waits on a socket.
 */
public final class StreamTransports implements ContainerResponseFilter {
    @Inject
    private Provider<Request> request;

    @Override
    public void filter(ContainerRequestContext req, ContainerResponseContext res) {
        if (!(res.getEntity() instanceof SseOutput output)) {
            return;
        }
        Connection<?> connection = request.get().getContext().getConnection();
        if (connection instanceof NIOConnection nio) {
            int previous = nio.getMaxAsyncWriteQueueSize();
            nio.setMaxAsyncWriteQueueSize(-1); // unlimited: never block the writer; the stream cuts at its bound
            output.attach(new GrizzlyTransport(nio, previous));
        }
    }

    /** @param previousMax the connection's write queue bound, restored when the stream ends (keep-alive) */
    private record GrizzlyTransport(NIOConnection connection, int previousMax) implements StreamTransport {
        @Override
        public long pendingBytes() {
            return connection.getAsyncWriteQueue().spaceInBytes();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Runnable onClose(Runnable listener) {
            CloseListener l = new CloseListener() {
                @Override
                public void onClosed(Closeable closeable, ICloseType type) {
                    listener.run();
                }
            };
            connection.addCloseListener(l);
            if (!connection.isOpen()) {
                listener.run();
            }
            return () -> {
                connection.removeCloseListener(l);
                connection.setMaxAsyncWriteQueueSize(previousMax);
            };
        }
    }
}
