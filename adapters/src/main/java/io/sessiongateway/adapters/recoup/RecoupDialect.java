package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.recoup.api.ApiApi;
import io.sessiongateway.generated.recoup.api.ApiCreateSessionApi;
import io.sessiongateway.generated.recoup.model.RecoupError;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.function.Function;

/** Recoup: {@code /api/sessions…}, errors as {@code {"status":"error","error":"<message>"}}. */
public final class RecoupDialect extends BaseDialect {
    public static final String NAME = "recoup";

    public RecoupDialect(SessionService sessions, String agentName, Function<String, UUID> tenantIds) {
        super(NAME, "^/api(/.*)?$", new RecoupAdapter(sessions, agentName, tenantIds), "",
                ApiApi.class, ApiCreateSessionApi.class);
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
        return json(status(error.kind()), new RecoupError().status(RecoupError.StatusEnum.ERROR)
                .error(messageWithReference(error, reference)));
    }
}
