package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.adapters.spi.Mount;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.agentcloud.api.DefaultAddSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultApi;
import io.sessiongateway.generated.agentcloud.model.DynamicResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Agentcloud webapp: {@code /{resourceSlug}/session/{sessionId}.json} and
 * {@code /{resourceSlug}/forms/session/add}; errors as {@code dynamicResponse} {@code {"message","code"}}.
 */
public final class AgentcloudDialect implements Dialect {
    public static final String NAME = "agentcloud";
    private static final Pattern CLAIMED = Pattern.compile("^/[^/]+/(session|forms)(/.*)?$");

    private final AgentcloudAdapter adapter;

    public AgentcloudDialect(SessionService sessions) {
        this.adapter = new AgentcloudAdapter(sessions);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Mount> mounts() {
        return List.of(new Mount(DefaultApi.class, adapter, ""), new Mount(DefaultAddSessionApi.class, adapter, ""));
    }

    @Override
    public boolean claims(String path) {
        return CLAIMED.matcher(path).matches();
    }

    /**
     * The documents declare 400, 403 and 500 only: a lookup that misses is the vendor's 400 "Invalid inputs";
     * every refusal of credentials is 403 (the vendor has no 401; it redirects to its login page).
     */
    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND, CONFLICT -> 400;
            case UNAUTHENTICATED, UNSUPPORTED_SUBJECT_TYPE -> 403;
            default -> HttpStatuses.common(kind);
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        int status = status(error.kind());
        String message = error.kind() == ErrorKind.NOT_FOUND ? "Invalid inputs: " + error.getMessage()
                : reference == null ? error.getMessage() : error.getMessage() + " (reference " + reference + ")";
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new DynamicResponse().message(message).code(status))
                .build();
    }
}
