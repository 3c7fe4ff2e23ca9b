package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.admin.model.AdminError;
import io.sessiongateway.generated.admin.model.AdminErrorError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The gateway's own error envelope, {@code {"error":{"code","message","reference"}}} (the {@code AdminError} schema
 * of {@code specs/admin/admin.yaml}), with plain HTTP statuses: for the admin API, the operations endpoints, and any
 * path no dialect claims.
 */
public final class GatewayEnvelope {
    private GatewayEnvelope() {}

    /** Plain HTTP semantics; a malformed argument or body is 422. */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_BODY -> 422;
            default -> HttpStatuses.common(kind);
        };
    }

    public static Response render(GatewayException error, String reference) {
        return Response.status(status(error.kind()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminError()
                        .error(new AdminErrorError()
                                .code(error.code())
                                .message(error.getMessage())
                                .reference(reference)))
                .build();
    }
}
