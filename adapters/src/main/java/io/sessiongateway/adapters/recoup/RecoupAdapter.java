package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.recoup.api.ApiApi;
import io.sessiongateway.generated.recoup.api.ApiCreateSessionApi;
import io.sessiongateway.generated.recoup.model.CreateSessionRequest;
import io.sessiongateway.generated.recoup.model.CreateSessionResponse;
import io.sessiongateway.generated.recoup.model.GetSessionResponse;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;

/** Recoup sessions: owned by an account; exactly one of {@code x-api-key} or a Bearer token. */
public final class RecoupAdapter implements ApiApi, ApiCreateSessionApi {
    private final SessionService sessions;
    private final String agentName;
    private final Function<String, java.util.UUID> tenantIds;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    /**
     * @param agentName the tenant's agent that Recoup-created sessions belong to (Recoup names none)
     * @param tenantIds a tenant's canonical id by name (Recoup's organizationId)
     */
    public RecoupAdapter(SessionService sessions, String agentName, Function<String, java.util.UUID> tenantIds) {
        this.sessions = sessions;
        this.agentName = agentName;
        this.tenantIds = tenantIds;
    }

    @Override
    public Response apiSessionsSessionIdGet(String sessionId) {
        Principal principal = Caller.of(request.get()).recoup();
        Session session = sessions.getForAccount(principal, sessionId);
        return Response.ok(new GetSessionResponse().session(RecoupMapper.toSession(session))).build();
    }

    @Override
    public Response createSession(CreateSessionRequest body) {
        Principal principal = Caller.of(request.get()).recoup();
        var request = RecoupMapper.newSession(body, RequestBodies.tree(this.request.get()), principal,
                tenantIds.apply(principal.tenant()));
        Session session = sessions.createForAccount(principal, agentName, request);
        return Response.ok(new CreateSessionResponse()
                .session(RecoupMapper.toSession(session))
                .chat(RecoupMapper.chat(session))).build();
    }
}
