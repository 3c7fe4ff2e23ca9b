package io.sessiongateway.adapters.truefoundry;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.truefoundry.api.V1CancelSessionApi;
import io.sessiongateway.generated.truefoundry.api.V1CreateSessionApi;
import io.sessiongateway.generated.truefoundry.api.V1GetSessionApi;
import io.sessiongateway.generated.truefoundry.api.V1ListOwnedSessionsApi;
import io.sessiongateway.generated.truefoundry.api.V1ListSessionsApi;
import io.sessiongateway.generated.truefoundry.api.V1SearchSessionsApi;
import io.sessiongateway.generated.truefoundry.api.V1TurnEventsApi;
import io.sessiongateway.generated.truefoundry.api.V1TurnsApi;
import io.sessiongateway.generated.truefoundry.api.V1UnsupportedSessionMethodsApi;
import io.sessiongateway.generated.truefoundry.model.RequestErrorResponse;
import io.sessiongateway.generated.truefoundry.model.RequestErrorResponseError;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * TrueFoundry Agent Harness: {@code /{tenantName}/v1/agents/sessions…} and {@code /{tenantName}/v1/x/agents/…},
 * errors as {@code {"error":{"message","type","code","param"}}}.
 */
public final class TrueFoundryDialect extends BaseDialect {
    public static final String NAME = "truefoundry";
    /** The code of a {@code CONFLICT} the turn documents answer with 412 ({@code previous_turn_id} not the last). */
    static final String PRECONDITION_FAILED = "previous_turn_not_last";
    /** The conversation operations' paths: their documents answer every malformed request with 400 (no 422). */
    private static final Pattern CONVERSATION_PATH =
            Pattern.compile(".*/v1/agents/sessions/[^/]+/(turns(/.*)?|events)$");

    /** Page tokens signed with a key of this instance only (tests, and reading declarations). */
    public TrueFoundryDialect(SessionService sessions) {
        this(sessions, new PageTokens(randomKey()), Clock.systemUTC(), null, null);
    }

    /**
     * @param tokens signs the lists' page tokens
     * @param clock "now", the end of a list's default window
     * @param conversations turns and events
     * @param streams the turns' event streams
     */
    public TrueFoundryDialect(
            SessionService sessions,
            PageTokens tokens,
            Clock clock,
            ConversationService conversations,
            EventStreams streams) {
        super(
                NAME,
                "^/[^/]+/v1/(x/)?agents(/.*)?$",
                new TrueFoundryAdapter(sessions, tokens, clock, conversations, streams),
                "/{" + TrueFoundryAdapter.TENANT_PARAM + "}",
                V1GetSessionApi.class,
                V1CreateSessionApi.class,
                V1ListSessionsApi.class,
                V1ListOwnedSessionsApi.class,
                V1SearchSessionsApi.class,
                V1CancelSessionApi.class,
                V1UnsupportedSessionMethodsApi.class,
                V1TurnsApi.class,
                V1TurnEventsApi.class);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * Statuses: the documents' own where they declare one (400 subject type, 401, 403, 404, 409, 422 body and
     * parameters); the HTTP meaning elsewhere (405, 406, 413, 415, 503, 500). Two exceptions depend on the error or
     * the operation: see {@link #status(GatewayException, String)}.
     */
    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_BODY, INVALID_ARGUMENT -> 422;
            default -> HttpStatuses.common(kind);
        };
    }

    /**
     * The status of one error on one path: the lists' documents answer a page token not issued for the query and a
     * window that ends before it starts with 400 (malformed parameters are 422); the cancel document answers a body
     * that is not a JSON object with 400 (create's bad body is 422). The turn and event documents declare no 422:
     * their malformed requests are 400, and a {@code previous_turn_id} that is not the session's last turn is 412.
     */
    static int status(GatewayException error, String path) {
        if (path != null && CONVERSATION_PATH.matcher(path).matches()) {
            if (error.kind() == ErrorKind.CONFLICT && PRECONDITION_FAILED.equals(error.code())) {
                return 412;
            }
            if (error.kind() == ErrorKind.INVALID_ARGUMENT || error.kind() == ErrorKind.INVALID_BODY) {
                return 400;
            }
        }
        if (error.kind() == ErrorKind.INVALID_ARGUMENT
                && (TrueFoundryListMapper.INVALID_PAGE_TOKEN.equals(error.code())
                        || TrueFoundryListMapper.INVALID_WINDOW.equals(error.code()))) {
            return 400;
        }
        if (error.kind() == ErrorKind.INVALID_BODY && path != null && path.endsWith("/cancel")) {
            return 400;
        }
        return switch (error.kind()) {
            case INVALID_BODY, INVALID_ARGUMENT -> 422;
            default -> HttpStatuses.common(error.kind());
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        return render(error, reference, null);
    }

    @Override
    public Response render(GatewayException error, String reference, String path) {
        return json(status(error, path), envelope(error, messageWithReference(error, reference)));
    }

    /** 405 with {@code Allow: GET}: the method the session path supports. */
    static Response methodNotAllowed(String message) {
        GatewayException error = new GatewayException(ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed", message);
        return Response.fromResponse(json(405, envelope(error, message)))
                .header("Allow", "GET")
                .build();
    }

    private static RequestErrorResponse envelope(GatewayException error, String message) {
        return new RequestErrorResponse()
                .error(new RequestErrorResponseError()
                        .message(message)
                        .type(type(error.kind()))
                        .code(error.code())
                        .param(error.param()));
    }

    static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT,
                    INVALID_BODY,
                    UNSUPPORTED_SUBJECT_TYPE,
                    METHOD_NOT_ALLOWED,
                    NOT_ACCEPTABLE,
                    UNSUPPORTED_MEDIA_TYPE,
                    PAYLOAD_TOO_LARGE -> "invalid_request_error";
            case UNAUTHENTICATED -> "authentication_error";
            case FORBIDDEN -> "permission_error";
            case NOT_FOUND, NO_ROUTE -> "not_found_error";
            case CONFLICT -> "conflict_error";
            case UNAVAILABLE -> "service_unavailable_error";
            case INTERNAL -> "api_error";
        };
    }
}
