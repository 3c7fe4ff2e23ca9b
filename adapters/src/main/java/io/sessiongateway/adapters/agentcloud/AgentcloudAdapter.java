package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.DirectRead;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.SessionLifecycle;
import io.sessiongateway.core.service.SessionLifecycle.Cancellable;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.core.service.TitleRule;
import io.sessiongateway.generated.agentcloud.api.DefaultAddSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultApi;
import io.sessiongateway.generated.agentcloud.api.DefaultCancelSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultDeleteSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultEditSessionApi;
import io.sessiongateway.generated.agentcloud.api.DefaultListSessionsApi;
import io.sessiongateway.generated.agentcloud.api.DefaultMessagesApi;
import io.sessiongateway.generated.agentcloud.model.AddSessionRequest;
import io.sessiongateway.generated.agentcloud.model.AddSessionResponse;
import io.sessiongateway.generated.agentcloud.model.EditSessionRequest;
import io.sessiongateway.generated.agentcloud.model.SendMessageRequest;
import io.sessiongateway.generated.agentcloud.model.SessionIdBody;
import io.sessiongateway.generated.agentcloud.model.SessionJson200Response;
import jakarta.inject.Provider;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Agentcloud webapp sessions: read under a team (resourceSlug) with the session's sharing mode; created from an
 * app of the team; listed, deleted, cancelled and edited by members of the team (docs/lifecycle.md); their chat
 * messages read (polled with {@code ?messageId=}) and sent (docs/architecture.md, "Conversations"). Each
 * operation maps the request with {@link AgentcloudMapper}, calls one canonical operation and renders the answer.
 *
 * <p>Order of checks, as the vendor's middleware chain runs them ({@link #verifyCredentials}): the path's ids (the
 * vendor's route patterns), then credentials and membership of the path's team ({@code checkSession},
 * {@code checkResourceSlug}), then the body (the handlers' validations). Reading a single session takes no
 * credentials (public sessions).
 */
public final class AgentcloudAdapter
        implements DefaultApi,
                DefaultAddSessionApi,
                DefaultListSessionsApi,
                DefaultDeleteSessionApi,
                DefaultCancelSessionApi,
                DefaultEditSessionApi,
                DefaultMessagesApi,
                CredentialsFirst,
                DirectRead {
    /** Agentcloud names a new session after its app. */
    static final TitleRule NAMED_AFTER_APP = (app, takenInAccount) -> app.name();
    /** Every Agentcloud read, list and write: the team's sharing rules (docs/lifecycle.md section 6). */
    private static final AccessRule RULE = AccessRule.SHARED_IN_TEAM;

    private final SessionService sessions;
    private final ConversationService conversations;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public AgentcloudAdapter(SessionService sessions, ConversationService conversations) {
        this.sessions = sessions;
        this.conversations = conversations;
    }

    /**
     * Before the body is read: path ids (400), then, except for reading one session, a signed-in member of the
     * path's team (403 otherwise). A presented credential that is refused is 403 everywhere.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        ContainerRequestContext r = request.get();
        MultivaluedMap<String, String> path = r.getUriInfo().getPathParameters();
        String team = AgentcloudMapper.objectId(path.getFirst("resourceSlug"), "resourceSlug");
        String session = path.getFirst("sessionId");
        if (session != null) {
            AgentcloudMapper.objectId(session, "sessionId");
        }
        if (HttpMethod.GET.equals(r.getMethod()) && session != null) {
            caller.optional();
            return;
        }
        lifecycle().requireTeamMember(caller.require(), team);
    }

    @Override
    public Response sessionJson(String resourceSlug, String sessionId) {
        return Response.ok(get(Caller.of(request.get()), resourceSlug, sessionId))
                .build();
    }

    /** Retrieve's answer, for Jersey's method and the server's fast path alike. */
    private SessionJson200Response get(Caller caller, String resourceSlug, String sessionId) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        String id = AgentcloudMapper.objectId(sessionId, "sessionId");
        Session session = sessions.getSharedInTeam(caller.optional(), team, id);
        return new SessionJson200Response()
                .csrf(AgentcloudMapper.csrf(session.objectId()))
                .session(AgentcloudMapper.toSession(session));
    }

    @Override
    public String directOperation() {
        return "sessionJson";
    }

    /**
     * {@link #verifyCredentials} for reading one session (the path's ids, then an optional credential, which is the
     * read's own first step), then {@link #sessionJson}.
     */
    @Override
    public Object readDirect(Caller caller, Map<String, String> pathParameters) {
        return get(caller, pathParameters.get("resourceSlug"), pathParameters.get("sessionId"));
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
        return Response.ok(new AddSessionResponse().redirect("/" + team + "/session/" + session.objectId()))
                .build();
    }

    @Override
    public Response sessionsJson(String resourceSlug, String before) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        List<String> befores = request.get().getUriInfo().getQueryParameters().get("before");
        if (befores != null && befores.size() > 1) {
            throw GatewayException.invalidArgument("before must be given once", "before");
        }
        var page = lifecycle().list(principal(), AgentcloudMapper.listQuery(team, before));
        return Response.ok(AgentcloudMapper.sessionsJson(page, AgentcloudMapper.csrf(team)))
                .build();
    }

    @Override
    public Response deleteSessionApi(String resourceSlug, String sessionId, SessionIdBody body) {
        SessionKey key = formKey(resourceSlug, sessionId, body == null ? null : body.getSessionId(), body != null);
        lifecycle().delete(principal(), RULE, key);
        return Response.ok(Map.of()).build();
    }

    @Override
    public Response cancelSessionApi(String resourceSlug, String sessionId, SessionIdBody body) {
        SessionKey key = formKey(resourceSlug, sessionId, body == null ? null : body.getSessionId(), body != null);
        lifecycle().cancel(principal(), RULE, key, Cancellable.UNFINISHED);
        return Response.ok(Map.of()).build();
    }

    /**
     * The vendor checks access with {@code checkCanAccessApp} inside the handler and answers a member it refuses
     * 400 {@code No permission}; the update result counts the document modified only when the variables change.
     */
    @Override
    public Response editSessionApi(String resourceSlug, String sessionId, EditSessionRequest body) {
        SessionKey key = formKey(resourceSlug, sessionId, body == null ? null : body.getSessionId(), body != null);
        Optional<SessionPatch> patch = AgentcloudMapper.edit(RequestBodies.tree(request.get()));
        Principal principal = principal();
        try {
            Session current = lifecycle().read(principal, RULE, key);
            boolean modified = AgentcloudMapper.modifies(patch, current);
            if (modified) {
                lifecycle().update(principal, RULE, key, patch.get());
            }
            return Response.ok(AgentcloudMapper.edited(modified)).build();
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.FORBIDDEN && "session_forbidden".equals(e.code())) {
                throw new GatewayException(ErrorKind.INVALID_ARGUMENT, "no_permission", "No permission", null, e);
            }
            throw e;
        }
    }

    /**
     * The session's messages (all of them, or those after {@code messageId}), read under retrieve's rule: a public
     * session's by anyone. The vendor's middleware admits members only, then its handler validates
     * {@code messageId}; the gateway checks access first too, so a caller refused the session learns nothing of the
     * query. A {@code messageId} that names no message of the session is 400 (the vendor would compare ObjectIds;
     * the gateway's cursor is the message's place in the log, which an unknown id does not have).
     */
    @Override
    public Response sessionMessagesJson(String resourceSlug, String sessionId, String messageId) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        String id = AgentcloudMapper.objectId(sessionId, "sessionId");
        Session session = sessions.getSharedInTeam(Caller.of(request.get()).optional(), team, id);
        String after = AgentcloudMapper.messageId(
                request.get().getUriInfo().getQueryParameters().get("messageId"));
        return Response.ok(AgentcloudMapper.chatMessages(session, conversations.messagesAfter(session, after)))
                .build();
    }

    /**
     * Stores the user's message and queues a turn for the session's agent (its responder answers; the session is
     * {@code running} until the last turn ends, then {@code waiting}). A member who may write the session may send;
     * a missing session is the vendor's 400 {@code Session not found}; a terminated one (cancelled, completed,
     * archived) the vendor's 400 for an inactive session.
     */
    @Override
    public Response sendMessage(String resourceSlug, String sessionId, SendMessageRequest body) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        String id = AgentcloudMapper.objectId(sessionId, "sessionId");
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        String text = AgentcloudMapper.messageText(RequestBodies.tree(request.get()));
        Principal principal = principal();
        SessionKey key = SessionKey.objectId(team, id);
        try {
            conversations.post(
                    principal,
                    RULE,
                    key,
                    NewMessage.userText(text),
                    status -> !AgentcloudStatus.isTerminated(status),
                    () -> GatewayException.invalidArgument("Attempting to send message to inactive session.", null));
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw new GatewayException(
                        ErrorKind.INVALID_ARGUMENT, "session_not_found", "Session not found", null, e);
            }
            throw e;
        }
        return Response.ok(AgentcloudMapper.MESSAGE_SENT).build();
    }

    private static SessionKey formKey(String resourceSlug, String sessionId, String bodySessionId, boolean body) {
        String team = AgentcloudMapper.objectId(resourceSlug, "resourceSlug");
        if (!body) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        return AgentcloudMapper.formKey(team, sessionId, bodySessionId);
    }

    /** Asked for per call: a dialect built without a session service (to read its declarations) never needs it. */
    private SessionLifecycle lifecycle() {
        return sessions.lifecycle();
    }

    private Principal principal() {
        return Caller.of(request.get()).require();
    }
}
