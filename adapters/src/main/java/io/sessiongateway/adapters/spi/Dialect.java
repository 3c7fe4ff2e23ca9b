package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * One API dialect the gateway speaks: the generated interfaces it implements, where they sit, and how its errors
 * look. The server mounts every enabled dialect under its configured prefix and routes errors raised before any
 * adapter (authentication, unknown route, wrong method or media type) to the dialect that claims the path.
 */
public interface Dialect {

    /** Stable name used in configuration, logs and metrics, e.g. {@code truefoundry}. */
    String name();

    /** The generated interfaces this dialect implements, each with its implementation and path prefix. */
    List<Mount> mounts();

    /**
     * Whether a request path (with the configured prefix already removed) falls under this dialect, so that an
     * error raised before any adapter is answered in this dialect's envelope.
     */
    boolean claims(String path);

    /** The HTTP status this dialect gives an error kind. */
    int status(ErrorKind kind);

    /** The error in this dialect's own envelope, with the status of {@link #status(ErrorKind)}. */
    Response render(GatewayException error, String reference);
}
