package io.sessiongateway.adapters.admin;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.admin.api.AdminApi;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;

/** The admin API, in the gateway's own envelope ({@link GatewayEnvelope}). */
public final class AdminDialect extends BaseDialect {
    public static final String NAME = "admin";

    /** The testing endpoints' paths (docs/fixtures.md), served only with {@code gateway.testing.enabled}. */
    private static final String TESTING_PATHS = "/admin/v1/testing";

    private final boolean testing;

    /**
     * @param reservedTenants tenant names the admin API refuses to create: the first path segments the gateway
     *     serves itself ({@code health}, {@code metrics}), where a tenant's paths would be unreachable
     * @param tokens signs the session list's cursors (the same key as the dialects' page tokens)
     * @param dialects the vendor dialects, whose status projections a session view shows
     * @param testing the testing endpoints (docs/fixtures.md), or null when they are not served
     */
    public AdminDialect(
            AgentService agents,
            ApiKeyService keys,
            SessionService sessions,
            PageTokens tokens,
            Set<String> reservedTenants,
            List<Dialect> dialects,
            TestingOperations testing) {
        super(
                NAME,
                "^/admin(/.*)?$",
                new AdminAdapter(agents, keys, sessions, tokens, reservedTenants, dialects, testing),
                "",
                AdminApi.class);
        this.testing = testing != null;
    }

    /** Every operation but the testing endpoints, which only {@code gateway.testing.enabled} serves. */
    @Override
    public boolean serves(String method, String path) {
        return testing || !(path.equals(TESTING_PATHS) || path.startsWith(TESTING_PATHS + "/"));
    }

    @Override
    public int status(ErrorKind kind) {
        return GatewayEnvelope.status(kind);
    }

    @Override
    public Response render(GatewayException error, String reference) {
        return GatewayEnvelope.render(error, reference);
    }
}
