package io.sessiongateway.adapters.everruns;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.everruns.api.V1Api;
import io.sessiongateway.generated.everruns.model.CreateSessionRequest;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** Everruns sessions: organisation-scoped, {@code session_<32 hex>} ids, JWT or {@code evr_} API key. */
public final class EverrunsAdapter implements V1Api, CredentialsFirst {
    private final SessionService sessions;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public EverrunsAdapter(SessionService sessions) {
        this.sessions = sessions;
    }

    /**
     * The vendor authenticates in a middleware, before its handlers extract the query and the body: bad credentials
     * with a bad body are 401, not 400 (the server calls this before reading either).
     */
    @Override
    public void verifyCredentials(Caller caller) {
        EverrunsCredentials.principal(caller);
    }

    @Override
    public Response getSession(String sessionId) {
        UUID id = Ids.parsePrefixed("session", sessionId).orElseThrow(() -> GatewayException.invalidArgument(
                "invalid session id: expected session_ followed by 32 lowercase hex digits", "session_id"));
        Principal principal = EverrunsCredentials.principal(Caller.of(request.get()));
        Session session = sessions.getForTenantMember(principal, id);
        return Response.ok(EverrunsMapper.toSession(session)).build();
    }

    @Override
    public Response createSession(CreateSessionRequest body) {
        Principal principal = EverrunsCredentials.principal(Caller.of(request.get()));
        UUID agentId = EverrunsMapper.agentId(body);
        Session session = sessions.createForAgentId(principal, agentId,
                EverrunsMapper.newSession(body));
        return Response.status(Response.Status.CREATED).entity(EverrunsMapper.toSession(session)).build();
    }
}
