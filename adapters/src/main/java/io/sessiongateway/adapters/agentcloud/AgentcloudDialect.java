package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.agentcloud.api.DefaultAddSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultApi;
import io.sessiongateway.generated.agentcloud.api.DefaultCancelSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultDeleteSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultEditSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultListSessionsApi;
import io.sessiongateway.generated.agentcloud.api.DefaultMessagesApi;
import io.sessiongateway.generated.agentcloud.model.DynamicResponse;
import io.sessiongateway.generated.agentcloud.model.EditSessionResponse;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Agentcloud webapp: {@code /{resourceSlug}/session/{sessionId}.json}, {@code /{resourceSlug}/sessions.json},
 * {@code /{resourceSlug}/forms/session/add}, the session forms ({@code DELETE …/forms/session/{sessionId}},
 * {@code POST …/cancel}, {@code POST …/edit}) and the chat ({@code GET …/session/{sessionId}/messages.json},
 * {@code POST …/session/{sessionId}/send-message}); errors as {@code dynamicResponse} {@code {"message","code"}}.
 */
public final class AgentcloudDialect extends BaseDialect {
    public static final String NAME = "agentcloud";
    /**
     * The session paths under any first segment (so a malformed slug still gets this envelope), and every path
     * under an ObjectId slug, where the vendor mounts its whole team router ({@code /:resourceSlug([a-f0-9]{24})});
     * TrueFoundry's {@code /{tenantName}/v1/agents…} stays TrueFoundry's even for a tenant named like an ObjectId.
     */
    static final String CLAIMED =
            "^/(?:[^/]+/(?:session|forms|sessions\\.json)|[a-f0-9]{24}(?!/v1/agents(?:/|$)))(?:/.*)?$";

    /** Without conversations: to read the dialect's declarations, or to serve lifecycle errors only. */
    public AgentcloudDialect(SessionService sessions) {
        this(sessions, null);
    }

    public AgentcloudDialect(SessionService sessions, ConversationService conversations) {
        super(
                NAME,
                CLAIMED,
                new AgentcloudAdapter(sessions, conversations),
                "",
                DefaultApi.class,
                DefaultAddSessionApi.class,
                DefaultListSessionsApi.class,
                DefaultDeleteSessionApi.class,
                DefaultCancelSessionApi.class,
                DefaultEditSessionApi.class,
                DefaultMessagesApi.class);
    }

    /**
     * Agentcloud's optional fields are not nullable: absent means omitted. The edit's answer is the exception: its
     * MongoDB {@code UpdateResult} always carries {@code upsertedId}, null when nothing was inserted.
     */
    @Override
    public boolean omitsNulls(Class<?> type) {
        return type.getPackageName().equals(DynamicResponse.class.getPackageName())
                && type != EditSessionResponse.class;
    }

    @Override
    public Optional<String> sessionStatus(Session session) {
        return Optional.of(AgentcloudStatus.of(session.status(), session.warning()));
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
        String message = error.kind() == ErrorKind.NOT_FOUND
                ? "Invalid inputs: " + error.getMessage()
                : messageWithReference(error, reference);
        return json(status, new DynamicResponse().message(message).code(status));
    }
}
