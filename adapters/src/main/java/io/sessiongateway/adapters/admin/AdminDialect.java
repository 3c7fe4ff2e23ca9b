package io.sessiongateway.adapters.admin;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.admin.api.AdminApi;
import io.sessiongateway.generated.admin.model.AdminError;
import io.sessiongateway.generated.admin.model.AdminErrorError;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * The admin API, and the envelope for any path no dialect claims:
 * {@code {"error":{"code","message","reference"}}}.
 */
public final class AdminDialect extends BaseDialect {
    public static final String NAME = "admin";

    public AdminDialect(AgentService agents, ApiKeyService keys, SessionService sessions) {
        this(agents, keys, sessions, Set.of());
    }

    /**
     * @param reservedTenants tenant names the admin API refuses to create: the first path segments the gateway
     *     serves itself ({@code health}, {@code metrics}), where a TrueFoundry tenant's paths would be unreachable
     */
    public AdminDialect(AgentService agents, ApiKeyService keys, SessionService sessions,
            Set<String> reservedTenants) {
        super(NAME, "^/admin(/.*)?$", new AdminAdapter(agents, keys, sessions, reservedTenants), "", AdminApi.class);
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
        return json(statusOf(error.kind()), new AdminError().error(new AdminErrorError()
                .code(error.code())
                .message(error.getMessage())
                .reference(reference)));
    }
}
