package io.sessiongateway.server.ops;

import io.sessiongateway.generated.health.api.HealthApi;
import io.sessiongateway.server.docs.DocsAdapter;
import io.sessiongateway.server.http.Mounted;
import jakarta.annotation.Priority;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one owner of the paths the gateway keeps for itself: {@code /health/**}, the metrics path, {@code /openapi/**}
 * and {@code /docs/**}. From here come
 * which paths the operations endpoints claim (their errors in the gateway's envelope), the filter that keeps a
 * vendor route template from matching there (a tenant or a team named {@code health}), the refusal to mount a
 * dialect under them, and the tenant names the admin API refuses to create.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class ReservedPaths implements ContainerRequestFilter {
    private static final String HEALTH = "/health";
    private static final String OPENAPI = "/openapi";
    private static final String DOCS = "/docs";
    /**
     * The paths of the API documents and the docs page, when served; anything else under them is a 404 (a file of the
     * page must be one of {@link DocsAdapter#ASSETS}: {@code /docs/sessions.json} is not, and must not fall through to
     * Agentcloud's {@code /{resourceSlug}/sessions.json}).
     */
    private static final Pattern DOCS_PATHS = Pattern.compile("^(/openapi|/openapi/[A-Za-z0-9_-]+\\.yaml|/docs/?)$");

    private final Set<String> healthOperations = new HashSet<>();
    /** The configured metrics path, served or not. */
    private final String metricsPath;

    private final boolean metricsServed;
    private final boolean docsServed;

    /**
     * @param metricsPath the configured metrics path, e.g. {@code /metrics}
     * @param metricsServed whether metrics are served there
     * @param docsServed whether the API documents and the docs page are served
     */
    public ReservedPaths(String metricsPath, boolean metricsServed, boolean docsServed) {
        this.metricsPath = metricsPath;
        this.metricsServed = metricsServed;
        this.docsServed = docsServed;
        String base = HealthApi.class.getAnnotation(Path.class).value();
        for (Method m : HealthApi.class.getMethods()) {
            Path sub = m.getAnnotation(Path.class);
            healthOperations.add(sub == null ? base : base + sub.value());
        }
    }

    /**
     * Whether a path is the gateway's own: under {@code /health}, {@code /openapi} or {@code /docs} (served or not),
     * or under the metrics path while it is served.
     */
    public boolean claims(String path) {
        return under(path, HEALTH)
                || under(path, OPENAPI)
                || under(path, DOCS)
                || (metricsServed && under(path, metricsPath));
    }

    /**
     * First path segments the gateway serves itself, which no tenant may be named after: a dialect's paths may start
     * with the tenant ({@code /{tenant}/v1/agents/sessions}), and {@code /health/**} and {@code /metrics/**} never
     * reach a dialect; nor do {@code /openapi/**} and {@code /docs/**}, served or not. {@code metrics} stays reserved when the metrics path moves (or metrics are off), so that a
     * tenant created today is not lost by a configuration change tomorrow; a one-segment metrics path elsewhere
     * ({@code /prometheus}) is reserved too.
     */
    public Set<String> tenantNames() {
        Set<String> reserved = new TreeSet<>(Set.of("health", "metrics", "openapi", "docs"));
        if (metricsPath.lastIndexOf('/') == 0) {
            reserved.add(metricsPath.substring(1));
        }
        return Collections.unmodifiableSet(reserved);
    }

    /** Refuses to mount a dialect under a prefix that falls in the gateway's own paths. */
    public void checkMountable(Mounted m) {
        if (!m.prefix().isEmpty() && claims(m.prefix())) {
            throw new IllegalArgumentException("dialect " + m.dialect().name() + " cannot be mounted under "
                    + m.prefix() + ": /health, /openapi, /docs and the metrics path are the gateway's own");
        }
    }

    /**
     * A path under {@code /health} that is not one of the health document's operations, or below the metrics path,
     * is a 404 in the gateway's envelope, before any vendor route template can match it; so is a path under
     * {@code /openapi} or {@code /docs} that is not a document or a file of the page, or any there when docs are off
     * ({@code /docs/sessions.json} would otherwise reach Agentcloud's {@code /{resourceSlug}/sessions.json}).
     */
    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (path != null && refuses(path)) {
            throw new NotFoundException();
        }
    }

    /** Whether {@link #filter} answers a request for this raw path 404 before any route matches it. */
    public boolean refuses(String path) {
        boolean underMetrics = metricsServed && path.startsWith(metricsPath + "/");
        boolean underDocs = under(path, OPENAPI) || under(path, DOCS);
        if ((under(path, HEALTH) && !healthOperations.contains(path))
                || underMetrics
                || (underDocs && !(docsServed && servedDocsPath(path)))) {
            return true;
        }
        return false;
    }

    private static boolean servedDocsPath(String path) {
        return DOCS_PATHS.matcher(path).matches()
                || (path.startsWith(DOCS + "/") && DocsAdapter.ASSETS.containsKey(path.substring(DOCS.length() + 1)));
    }

    private static boolean under(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
    }
}
