package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
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
            case UNSUPPORTED_SUBJECT_TYPE -> 403;
            default -> HttpStatuses.common(kind);
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
