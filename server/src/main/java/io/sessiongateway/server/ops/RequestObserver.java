package io.sessiongateway.server.ops;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.server.http.DialectRouter;
import io.sessiongateway.server.http.FastReads;
import io.sessiongateway.server.http.RequestIds;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Follows every request from start to finish: assigns the request id (MDC and response header), measures it, and
 * writes one access log line. A Jersey request event listener rather than a filter pair, because it also sees
 * requests that fail before or during matching, and knows the matched resource method even when it threw.
 *
 * <p>Labels are bounded: the dialect is the one owning the matched generated interface, else the one claiming the
 * path, else {@code none}; the operation is the generated method name (the document's operationId), else
 * {@code unmatched}; the method is a standard HTTP method or {@code OTHER}. Bodies, query strings and headers
 * (tokens, keys) are never logged.
 */
public final class RequestObserver implements ApplicationEventListener, ContainerResponseFilter, FastReads.Recorder {
    /** Logger of the access lines; route or silence it by this name. */
    static final String ACCESS_LOGGER = "io.sessiongateway.access";

    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    private static final String PROPERTY = RequestObserver.class.getName() + ".id";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final int MAX_LOGGED_PATH = 512;

    private final Map<Class<?>, String> dialectOfApi;
    private final DialectRouter router;
    private final GatewayMetrics metrics;

    /**
     * @param dialectOfApi the dialect name of each mounted generated interface
     * @param router the same routing the error mapper uses, for requests that matched no operation
     * @param metrics where to record, or null when metrics are off
     */
    RequestObserver(Map<Class<?>, String> dialectOfApi, DialectRouter router, GatewayMetrics metrics) {
        this.dialectOfApi = Map.copyOf(dialectOfApi);
        this.router = router;
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ApplicationEvent event) {
        // nothing to do at application level
    }

    @Override
    public RequestEventListener onRequest(RequestEvent start) {
        long t0 = System.nanoTime();
        ContainerRequest request = start.getContainerRequest();
        String id = RequestIds.acceptOrGenerate(request.getHeaderString(RequestIds.HEADER));
        request.setProperty(PROPERTY, id);
        MDC.put(RequestIds.MDC_KEY, id);
        if (metrics != null) {
            metrics.started();
        }
        return event -> {
            if (event.getType() == RequestEvent.Type.FINISHED) {
                try {
                    finished(event, t0);
                } finally {
                    MDC.remove(RequestIds.MDC_KEY);
                }
            }
        };
    }

    /** Echoes the request id; runs for every response, including those of the error mapper. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(RequestIds.HEADER, id);
        }
    }

    @Override
    public void started() {
        if (metrics != null) {
            metrics.started();
        }
    }

    @Override
    public void handedOver() {
        if (metrics != null) {
            metrics.handedOver();
        }
    }

    @Override
    public void finished(String dialect, String operation, String method, String rawPath, int status, long nanos) {
        record(dialect, operation, method, rawPath, status, nanos);
    }

    private void finished(RequestEvent event, long t0) {
        long nanos = System.nanoTime() - t0;
        ContainerRequest request = event.getContainerRequest();
        ContainerResponse response = event.getContainerResponse();
        // No response means it could not be produced or written (a failure inside Jersey, a client gone).
        int status = response == null ? 500 : response.getStatus();
        String path = request.getRequestUri().getRawPath();
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        ResourceMethod matched =
                event.getUriInfo() == null ? null : event.getUriInfo().getMatchedResourceMethod();
        Method definition = matched == null ? null : matched.getInvocable().getDefinitionMethod();
        String dialect;
        String operation;
        if (definition != null && dialectOfApi.containsKey(definition.getDeclaringClass())) {
            dialect = dialectOfApi.get(definition.getDeclaringClass());
            operation = definition.getName();
        } else {
            dialect = router.dialectOf(path == null || path.isEmpty() ? "/" : path)
                    .map(Dialect::name)
                    .orElse("none");
            operation = "unmatched";
        }
        record(dialect, operation, method, path, status, nanos);
    }

    private void record(String dialect, String operation, String method, String rawPath, int status, long nanos) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (metrics != null) {
            metrics.finished(dialect, operation, method, status, nanos);
        }
        // Probes and scrapes arrive every few seconds: log them only when they fail (or at DEBUG).
        boolean quiet = OpsDialect.NAME.equals(dialect) && status < 400;
        if (quiet ? !ACCESS.isDebugEnabled() : !ACCESS.isInfoEnabled()) {
            return;
        }
        double ms = Math.round(nanos / 1_000.0) / 1_000.0;
        String logged = path.length() <= MAX_LOGGED_PATH ? path : path.substring(0, MAX_LOGGED_PATH) + "...";
        LoggingEventBuilder line = quiet ? ACCESS.atDebug() : ACCESS.atInfo();
        line.addKeyValue("method", method)
                .addKeyValue("path", logged)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", ms)
                .addKeyValue("dialect", dialect)
                .addKeyValue("operation", operation)
                .log("{} {} {} {} ms", method, logged, status, ms);
    }
}
