package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ChatService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.recoup.api.ApiApi;
import io.sessiongateway.generated.recoup.api.ApiChatStreamApi;
import io.sessiongateway.generated.recoup.api.ApiChatsApi;
import io.sessiongateway.generated.recoup.api.ApiCreateSessionApi;
import io.sessiongateway.generated.recoup.api.ApiDeleteSessionApi;
import io.sessiongateway.generated.recoup.api.ApiListSessionsApi;
import io.sessiongateway.generated.recoup.api.ApiUpdateSessionApi;
import io.sessiongateway.generated.recoup.model.RecoupError;
import io.sessiongateway.generated.recoup.model.Session.LifecycleStateEnum;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;

/**
 * Recoup: {@code /api/sessions…}, errors as {@code {"status":"error","error":"<message>"}}; {@code x-api-key}
 * ({@code rcp_} keys) or a Bearer JWT, exactly one ({@link RecoupCredentials}); sessions belong to one agent of the
 * tenant, created on first use; untitled sessions get a city name ({@link RecoupTitles}).
 */
public final class RecoupDialect extends BaseDialect {
    public static final String NAME = "recoup";

    /** @param agentName the tenant's agent that sessions created through Recoup belong to (Recoup names none) */
    public RecoupDialect(SessionService sessions, AgentService agents, String agentName) {
        this(sessions, agents, agentName, null, null);
    }

    /**
     * @param chats the sessions' chats
     * @param streams the SSE streams for the UI message streams
     */
    public RecoupDialect(
            SessionService sessions, AgentService agents, String agentName, ChatService chats, EventStreams streams) {
        super(
                NAME,
                "^/api(/.*)?$",
                new RecoupAdapter(sessions, agents, agentName, chats, streams),
                "",
                ApiApi.class,
                ApiCreateSessionApi.class,
                ApiUpdateSessionApi.class,
                ApiListSessionsApi.class,
                ApiDeleteSessionApi.class,
                ApiChatsApi.class,
                ApiChatStreamApi.class);
    }

    @Override
    public Optional<String> apiKeyPrefix() {
        return Optional.of(RecoupCredentials.KEY_PREFIX);
    }

    /**
     * {@code lifecycleState} is not required and its enum does not list {@code null}: a session without a sandbox
     * lifecycle (created through another dialect) leaves it out rather than writing {@code null}.
     */
    @Override
    public Set<Class<?>> omitsNullsOfType() {
        return Set.of(LifecycleStateEnum.class);
    }

    @Override
    public Optional<String> sessionStatus(Session session) {
        return Optional.of(RecoupStatus.of(session.status()));
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
        return json(
                status(error.kind()),
                new RecoupError().status(RecoupError.StatusEnum.ERROR).error(messageWithReference(error, reference)));
    }
}
