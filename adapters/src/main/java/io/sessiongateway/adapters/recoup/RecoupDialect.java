package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.Mount;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.recoup.api.ApiApi;
import io.sessiongateway.generated.recoup.api.ApiCreateSessionApi;
import io.sessiongateway.generated.recoup.model.RecoupError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Recoup: {@code /api/sessions…}, errors as {@code {"status":"error","error":"<message>"}}. */
public final class RecoupDialect implements Dialect {
    public static final String NAME = "recoup";
    private static final Pattern CLAIMED = Pattern.compile("^/api(/.*)?$");

    private final RecoupAdapter adapter;

    public RecoupDialect(SessionService sessions, String agentName, Function<String, UUID> tenantIds) {
        this.adapter = new RecoupAdapter(sessions, agentName, tenantIds);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Mount> mounts() {
        return List.of(new Mount(ApiApi.class, adapter, ""), new Mount(ApiCreateSessionApi.class, adapter, ""));
    }

    @Override
    public boolean claims(String path) {
        return CLAIMED.matcher(path).matches();
    }

    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_BODY -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN, UNSUPPORTED_SUBJECT_TYPE -> 403;
            case NOT_FOUND, NO_ROUTE -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        String message = reference == null ? error.getMessage() : error.getMessage() + " (reference " + reference + ")";
        return Response.status(status(error.kind()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new RecoupError().status(RecoupError.StatusEnum.ERROR).error(message))
                .build();
    }
}
