package io.sessiongateway.server.testkit;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.server.http.RequestIds;
import jakarta.annotation.Priority;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.jersey.server.ContainerRequest;

/**
 * Applies the fault rules to each request that matched an operation, before authentication (a fault stands for the
 * vendor or the network failing, whoever calls): waits the rule's latency, then answers its status in the request's
 * dialect envelope, or closes the connection without an answer, or lets the request through.
 */
@Priority(Priorities.AUTHENTICATION - 200)
final class FaultFilter implements ContainerRequestFilter {
    /** Request property: the id of the rule that applied (for the journal). */
    static final String RULE = FaultFilter.class.getName() + ".rule";
    /** Request property: the rule closed the connection (for the journal). */
    static final String RESET = FaultFilter.class.getName() + ".reset";

    /** Seconds a client should wait before retrying a 503, as the gateway's own 503s say. */
    private static final String RETRY_AFTER_SECONDS = "1";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(402, "Payment Required"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"),
            Map.entry(409, "Conflict"),
            Map.entry(410, "Gone"),
            Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Content Too Large"),
            Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Content"),
            Map.entry(423, "Locked"),
            Map.entry(425, "Too Early"),
            Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    private final FaultRules rules;
    private final Requests requests;

    /** The Grizzly request under this one, whose connection a reset closes. */
    @Context
    private Provider<Request> grizzly;

    FaultFilter(FaultRules rules, Requests requests) {
        this.rules = rules;
        this.requests = requests;
    }

    @Override
    public void filter(ContainerRequestContext context) {
        ContainerRequest request = (ContainerRequest) context;
        String path = request.getRequestUri().getRawPath();
        if (path == null || requests.isTesting(path)) {
            return;
        }
        Method definition = Requests.matched(request.getUriInfo());
        Dialect dialect = requests.dialect(definition, path);
        String dialectName = dialect == null ? "none" : dialect.name();
        Optional<FaultRules.Applied> applied =
                rules.apply(dialectName, requests.operation(definition), request.getMethod(), path);
        if (applied.isEmpty()) {
            return;
        }
        FaultRules.Applied fault = applied.get();
        request.setProperty(RULE, fault.ruleId());
        if (fault.latency() > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(fault.latency());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault.reset()) {
            request.setProperty(RESET, true);
            // Closed without a byte of answer: the client sees the connection end (a connection error). The
            // aborted answer below is then written to a closed connection, which Grizzly drops.
            grizzly.get().getContext().getConnection().closeSilently();
            context.abortWith(
                    Response.status(Response.Status.SERVICE_UNAVAILABLE).build());
            return;
        }
        if (fault.status() != null) {
            context.abortWith(answer(dialect, fault.status(), path));
        }
    }

    /** The status in the dialect's envelope (the gateway's own without one), worded as the status's reason. */
    static Response answer(Dialect dialect, int status, String path) {
        String reason = REASONS.getOrDefault(status, status < 500 ? "Client Error" : "Server Error");
        String code = reason.toLowerCase(Locale.ROOT).replace(' ', '_');
        ErrorKind kind = kindOf(status);
        String reference = kind == ErrorKind.INTERNAL ? RequestIds.current() : null;
        GatewayException error = new GatewayException(kind, code, reason);
        Response rendered =
                dialect == null ? GatewayEnvelope.render(error, reference) : dialect.render(error, reference, path);
        Response.ResponseBuilder out = Response.fromResponse(rendered).status(status);
        if (status == 503) {
            out.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return out.build();
    }

    /** The error kind whose envelope fits a status best (the envelope's shape, code and fields). */
    private static ErrorKind kindOf(int status) {
        return switch (status) {
            case 401 -> ErrorKind.UNAUTHENTICATED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 405 -> ErrorKind.METHOD_NOT_ALLOWED;
            case 406 -> ErrorKind.NOT_ACCEPTABLE;
            case 409 -> ErrorKind.CONFLICT;
            case 413 -> ErrorKind.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorKind.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorKind.UNAVAILABLE;
            default -> status >= 500 ? ErrorKind.INTERNAL : ErrorKind.INVALID_ARGUMENT;
        };
    }
}
