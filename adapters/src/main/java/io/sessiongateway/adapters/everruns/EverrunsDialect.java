package io.sessiongateway.adapters.everruns;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.adapters.spi.Mount;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.everruns.api.V1Api;
import io.sessiongateway.generated.everruns.model.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;

/** Everruns: {@code /v1/sessions…}, errors as {@code {"error":"<message>"}}. */
public final class EverrunsDialect implements Dialect {
    public static final String NAME = "everruns";
    private static final Pattern CLAIMED = Pattern.compile("^/v1(/.*)?$");

    private final EverrunsAdapter adapter;

    public EverrunsDialect(SessionService sessions) {
        this.adapter = new EverrunsAdapter(sessions);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Mount> mounts() {
        return List.of(new Mount(V1Api.class, adapter, ""));
    }

    @Override
    public boolean claims(String path) {
        return CLAIMED.matcher(path).matches();
    }

    /** Another organisation's session, or an agent the caller may not use, does not exist for the caller: 404. */
    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case FORBIDDEN -> 404;
            default -> HttpStatuses.common(kind);
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        String message = error.kind() == ErrorKind.FORBIDDEN ? notFoundMessage(error)
                : reference == null ? error.getMessage() : error.getMessage() + " (reference " + reference + ")";
        return Response.status(status(error.kind()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse().error(message))
                .build();
    }

    /** A refusal worded as absence, so that it tells nothing about other organisations. */
    private static String notFoundMessage(GatewayException error) {
        return "agent_forbidden".equals(error.code()) ? "agent not found" : "session not found";
    }
}
