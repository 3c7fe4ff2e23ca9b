package io.sessiongateway.server.ops;

import io.sessiongateway.generated.health.api.HealthApi;
import jakarta.annotation.Priority;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps {@code /health/**} and the metrics path the gateway's own: a path there that is not one of the health
 * document's operations is a 404 in the gateway's envelope, even when a vendor route template would match it (a
 * TrueFoundry tenant or an Agentcloud team named {@code health}).
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class ReservedPaths implements ContainerRequestFilter {
    private final Set<String> operations = new HashSet<>();
    private final String metricsPath;

    ReservedPaths(String metricsPath) {
        this.metricsPath = metricsPath;
        String base = HealthApi.class.getAnnotation(Path.class).value();
        for (Method m : HealthApi.class.getMethods()) {
            Path sub = m.getAnnotation(Path.class);
            operations.add(sub == null ? base : base + sub.value());
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (path == null) {
            return;
        }
        boolean underHealth = path.equals("/health") || path.startsWith("/health/");
        boolean underMetrics = metricsPath != null && path.startsWith(metricsPath + "/");
        if ((underHealth && !operations.contains(path)) || underMetrics) {
            throw new NotFoundException();
        }
    }
}
