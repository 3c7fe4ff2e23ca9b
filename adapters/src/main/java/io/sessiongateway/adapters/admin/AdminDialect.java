package io.sessiongateway.adapters.admin;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.adapters.spi.Mount;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.admin.api.AdminApi;
import io.sessiongateway.generated.admin.model.AdminError;
import io.sessiongateway.generated.admin.model.AdminErrorError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;

/**
 * The admin API, and the envelope for any path no dialect claims:
 * {@code {"error":{"code","message","reference"}}}.
 */
public final class AdminDialect implements Dialect {
    public static final String NAME = "admin";

    private final AdminAdapter adapter;

    public AdminDialect(AgentService agents, ApiKeyService keys, SessionService sessions) {
        this(agents, keys, sessions, Set.of());
    }

    /**
     * @param reservedTenants tenant names the admin API refuses to create: the first path segments the gateway
     *     serves itself ({@code health}, {@code metrics}), where a TrueFoundry tenant's paths would be unreachable
     */
    public AdminDialect(AgentService agents, ApiKeyService keys, SessionService sessions,
            Set<String> reservedTenants) {
        this.adapter = new AdminAdapter(agents, keys, sessions, reservedTenants);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Mount> mounts() {
        return List.of(new Mount(AdminApi.class, adapter, ""));
    }

    @Override
    public boolean claims(String path) {
        return path.equals("/admin") || path.startsWith("/admin/");
    }

    @Override
    public int status(ErrorKind kind) {
        return statusOf(kind);
    }

    /** Plain HTTP semantics; also used for paths outside every dialect. */
    public static int statusOf(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_BODY -> 422;
            default -> HttpStatuses.common(kind);
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        return renderGeneric(error, reference);
    }

    /** The gateway's own envelope. */
    public static Response renderGeneric(GatewayException error, String reference) {
        return Response.status(statusOf(error.kind()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminError().error(new AdminErrorError()
                        .code(error.code())
                        .message(error.getMessage())
                        .reference(reference)))
                .build();
    }
}
