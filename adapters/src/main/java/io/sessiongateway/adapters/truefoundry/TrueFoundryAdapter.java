package io.sessiongateway.adapters.truefoundry;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.truefoundry.api.V1CreateSessionApi;
import io.sessiongateway.generated.truefoundry.api.V1GetSessionApi;
import io.sessiongateway.generated.truefoundry.model.CreateSessionRequest;
import io.sessiongateway.generated.truefoundry.model.GetSessionResponse;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** TrueFoundry Agent Harness sessions: parse, call the core, render. Mounted under {@code /{tenantName}}. */
public final class TrueFoundryAdapter implements V1GetSessionApi, V1CreateSessionApi, CredentialsFirst {
    static final String TENANT_PARAM = "tenantName";

    private final SessionService sessions;

    @Context
    private UriInfo uri;
    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public TrueFoundryAdapter(SessionService sessions) {
        this.sessions = sessions;
    }

    /**
     * Every operation takes a Bearer JWT, checked before the body is read: an anonymous request with a badly typed
     * body is 401, not 422.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        caller.require();
    }

    @Override
    public Response v1AgentsSessionsSessionIdGet(String sessionId) {
        Principal principal = Caller.of(request.get()).require();
        String tenant = uri.getPathParameters().getFirst(TENANT_PARAM);
        if (sessionId.length() > TrueFoundryMapper.SESSION_ID_MAX) {
            // The document declares no 400 for get; no session can have such an id.
            throw GatewayException.notFound("session_not_found", "session not found");
        }
        Session session = sessions.getForOwnerOrManager(principal, tenant, sessionId);
        return Response.ok(new GetSessionResponse().data(TrueFoundryMapper.toSession(session))).build();
    }

    @Override
    public Response v1AgentsSessionsPost(CreateSessionRequest body) {
        Principal principal = Caller.of(request.get()).require();
        String tenant = uri.getPathParameters().getFirst(TENANT_PARAM);
        String agentName = TrueFoundryMapper.agentName(body);
        Session session = sessions.createForAgentName(principal, tenant, agentName,
                TrueFoundryMapper.newSession(RequestBodies.tree(request.get())));
        return Response.status(Response.Status.CREATED)
                .entity(new GetSessionResponse().data(TrueFoundryMapper.toSession(session)))
                .build();
    }
}
