package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.core.service.TitleRule;
import io.sessiongateway.generated.agentcloud.api.DefaultAddSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultApi;
import io.sessiongateway.generated.agentcloud.model.AddSessionRequest;
import io.sessiongateway.generated.agentcloud.model.AddSessionResponse;
import io.sessiongateway.generated.agentcloud.model.SessionJson200Response;
import jakarta.inject.Provider;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Agentcloud webapp sessions: read under a team (resourceSlug) with the session's sharing mode; created from an
 * app of the team. Credentials are optional on reads (public sessions).
 */
public final class AgentcloudAdapter implements DefaultApi, DefaultAddSessionApi, CredentialsFirst {
    /** Agentcloud names a new session after its app. */
    static final TitleRule NAMED_AFTER_APP = (app, takenInAccount) -> app.name();

    private final SessionService sessions;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public AgentcloudAdapter(SessionService sessions) {
        this.sessions = sessions;
    }

    /**
     * Before the body is read: path ids (400), then, except for reading one session, a signed-in caller (the
     * vendor's checkResourceSlug runs before its handlers). A presented credential that is refused is 403 everywhere.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        ContainerRequestContext r = request.get();
        MultivaluedMap<String, String> path = r.getUriInfo().getPathParameters();
        AgentcloudMapper.objectId(path.getFirst("resourceSlug"), "resourceSlug");
        String session = path.getFirst("sessionId");
        if (session != null) {
            AgentcloudMapper.objectId(session, "sessionId");
        }
        if (HttpMethod.GET.equals(r.getMethod()) && session != null) {
            caller.optional();
            return;
        }
        caller.require();
    }

    @Override
    public Response sessionJson(String resourceSlug, String sessionId) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        String id = AgentcloudMapper.objectId(sessionId, "sessionId");
        Optional<Principal> caller = Caller.of(request.get()).optional();
        Session session = sessions.getSharedInTeam(caller, team, id);
        return Response.ok(new SessionJson200Response()
                .csrf(AgentcloudMapper.csrf(session.objectId()))
                .session(AgentcloudMapper.toSession(session))).build();
    }

    @Override
    public Response addSession(String resourceSlug, AddSessionRequest body) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        if (body.getId() == null) {
            throw GatewayException.invalidBody("Id is required", "id");
        }
        String app = AgentcloudMapper.objectId(body.getId(), "id");
        if (body.getResourceSlug() != null) {
            // Ignored as the vendor does (the path names the team), but the document constrains it: a client that
            // sends one sends the team's ObjectId.
            AgentcloudMapper.objectId(body.getResourceSlug(), "resourceSlug");
        }
        Principal principal = Caller.of(request.get()).require();
        Session session = sessions.createForTeamMember(principal, team, app, NewSession.defaults(), NAMED_AFTER_APP);
        return Response.ok(new AddSessionResponse().redirect("/" + team + "/session/" + session.objectId())).build();
    }
}
