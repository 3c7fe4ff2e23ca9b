package io.sessiongateway.adapters.truefoundry;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.truefoundry.api.V1CreateSessionApi;
import io.sessiongateway.generated.truefoundry.api.V1GetSessionApi;
import io.sessiongateway.generated.truefoundry.model.RequestErrorResponse;
import io.sessiongateway.generated.truefoundry.model.RequestErrorResponseError;
import jakarta.ws.rs.core.Response;

/**
 * TrueFoundry Agent Harness: {@code /{tenantName}/v1/agents/sessions…}, errors as
 * {@code {"error":{"message","type","code","param"}}}.
 */
public final class TrueFoundryDialect extends BaseDialect {
    public static final String NAME = "truefoundry";

    public TrueFoundryDialect(SessionService sessions) {
        super(NAME, "^/[^/]+/v1/agents(/.*)?$", new TrueFoundryAdapter(sessions),
                "/{" + TrueFoundryAdapter.TENANT_PARAM + "}", V1GetSessionApi.class, V1CreateSessionApi.class);
    }

    /**
     * Statuses: the document's own where it declares one (400 subject type, 401, 403, 404, 409, 422 body); the
     * HTTP meaning elsewhere (405, 406, 413, 415, 503, 500).
     */
    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_BODY -> 422;
            default -> HttpStatuses.common(kind);
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        RequestErrorResponseError body = new RequestErrorResponseError()
                .message(messageWithReference(error, reference))
                .type(type(error.kind()))
                .code(error.code())
                .param(error.param());
        return json(status(error.kind()), new RequestErrorResponse().error(body));
    }

    static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_BODY, UNSUPPORTED_SUBJECT_TYPE, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE,
                    UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE -> "invalid_request_error";
            case UNAUTHENTICATED -> "authentication_error";
            case FORBIDDEN -> "permission_error";
            case NOT_FOUND, NO_ROUTE -> "not_found_error";
            case CONFLICT -> "conflict_error";
            case UNAVAILABLE -> "service_unavailable_error";
            case INTERNAL -> "api_error";
        };
    }
}
