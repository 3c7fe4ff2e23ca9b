package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Optional;
import java.util.UUID;
import org.glassfish.jersey.server.ParamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exception becomes an answer in the envelope of the dialect that owns the path. Client mistakes keep their
 * 4xx; anything unexpected is a 500 whose opaque reference is the request id, logged with the stack trace, which
 * never leaves the server. A 503 (the store is unreachable) carries {@code Retry-After}, so clients back off.
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    /**
     * Seconds a client should wait before retrying a 503: while the store is unreachable, one request every half
     * second still probes it (FailFastDataSource), so a second is enough to find it back without hammering it.
     */
    static final String RETRY_AFTER_SECONDS = "1";

    private final DialectRouter router;

    @Context
    private UriInfo uri;

    ErrorMapper(DialectRouter router) {
        this.router = router;
    }

    @Override
    public Response toResponse(Throwable error) {
        GatewayException e = translate(error);
        String reference = null;
        if (e.kind() == ErrorKind.INTERNAL) {
            // The request id: the client sees it in X-Request-Id too, and every log line of the request carries it.
            reference = RequestIds.current() != null
                    ? RequestIds.current()
                    : UUID.randomUUID().toString();
            LOG.error("internal error, reference {}", reference, error);
        } else if (e.kind() == ErrorKind.UNAVAILABLE) {
            LOG.warn("dependency unavailable: {}", rootMessage(error));
        }
        String path = uri == null ? "/" : "/" + uri.getPath(false);
        Optional<Dialect> dialect = router.dialectOf(path);
        String ref = reference;
        Response response = dialect.map(d -> d.render(e, ref, path)).orElseGet(() -> GatewayEnvelope.render(e, ref));
        if (e.kind() == ErrorKind.UNAVAILABLE) {
            response = Response.fromResponse(response)
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                    .build();
        }
        if (error instanceof NotAllowedException na && na.getResponse() != null) {
            String allow = na.getResponse().getHeaderString("Allow");
            if (allow != null) {
                response =
                        Response.fromResponse(response).header("Allow", allow).build();
            }
        }
        return response;
    }

    /** The core's view of any throwable. */
    static GatewayException translate(Throwable error) {
        if (error instanceof GatewayException g) {
            return g;
        }
        if (error instanceof ParamException p) {
            // A parameter that does not convert (a keyId that is not a UUID, a limit that is not a number) is a
            // malformed request, not an unknown route (Jersey's 404) nor a server error.
            String name = p.getParameterName();
            return GatewayException.invalidArgument(name + " is not a valid value for its type", name);
        }
        if (error instanceof NotFoundException) {
            return new GatewayException(ErrorKind.NO_ROUTE, "route_not_found", "no such route");
        }
        if (error instanceof NotAllowedException) {
            return new GatewayException(
                    ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this route");
        }
        if (error instanceof NotSupportedException) {
            return new GatewayException(
                    ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "request body must be application/json");
        }
        if (error instanceof NotAcceptableException) {
            return new GatewayException(
                    ErrorKind.NOT_ACCEPTABLE, "not_acceptable", "this operation produces application/json only");
        }
        if (error instanceof WebApplicationException w && w.getCause() instanceof GatewayException g) {
            return g;
        }
        if (error instanceof WebApplicationException w
                && w.getResponse() != null
                && w.getResponse().getStatus() == 413) {
            return new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE, "payload_too_large", "request body too large");
        }
        if (error instanceof WebApplicationException w
                && w.getResponse() != null
                && w.getResponse().getStatus() == 400) {
            return GatewayException.invalidBody("request body could not be read", null);
        }
        return new GatewayException(ErrorKind.INTERNAL, "internal_error", "internal server error");
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName();
    }
}
