package io.sessiongateway.adapters.everruns;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionLifecycle;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.everruns.api.V1Api;
import io.sessiongateway.generated.everruns.api.V1CancelSessionApi;
import io.sessiongateway.generated.everruns.api.V1DeleteSessionApi;
import io.sessiongateway.generated.everruns.api.V1ForkSessionApi;
import io.sessiongateway.generated.everruns.api.V1ListSessionsApi;
import io.sessiongateway.generated.everruns.api.V1PinSessionApi;
import io.sessiongateway.generated.everruns.api.V1SessionStatsApi;
import io.sessiongateway.generated.everruns.api.V1UpdateSessionApi;
import io.sessiongateway.generated.everruns.model.CreateSessionRequest;
import io.sessiongateway.generated.everruns.model.ForkSessionRequest;
import io.sessiongateway.generated.everruns.model.UpdateSessionRequest;
import jakarta.inject.Provider;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * Everruns sessions: organisation-scoped, {@code session_<32 hex>} ids, JWT or {@code evr_} API key. Every
 * operation: credentials, then the request mapped ({@link EverrunsMapper}, {@link EverrunsLifecycleMapper}), then
 * the core ({@link SessionService} for create, {@link SessionLifecycle} for the rest, rule
 * {@link AccessRule#TENANT_MEMBER}), then the response mapped.
 */
public final class EverrunsAdapter
        implements V1Api,
                V1ListSessionsApi,
                V1UpdateSessionApi,
                V1DeleteSessionApi,
                V1CancelSessionApi,
                V1SessionStatsApi,
                V1PinSessionApi,
                V1ForkSessionApi,
                CredentialsFirst {
    private static final AccessRule RULE = AccessRule.TENANT_MEMBER;

    private final SessionService sessions;
    private final SessionLifecycle lifecycle;
    private final PageTokens tokens;
    private final EverrunsMapper.Shape shape;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public EverrunsAdapter(SessionService sessions, PageTokens tokens, EverrunsMapper.Shape shape) {
        this.sessions = sessions;
        this.lifecycle = sessions == null ? null : sessions.lifecycle();
        this.tokens = tokens;
        this.shape = shape;
    }

    @Override
    public Response getSession(String sessionId) {
        Principal principal = principal();
        Session session = lifecycle.read(principal, RULE, key(principal, sessionId));
        return Response.ok(render(session)).build();
    }

    @Override
    public Response createSession(CreateSessionRequest body) {
        Principal principal = principal();
        UUID agentId = EverrunsMapper.agentId(body);
        Session session = sessions.createForAgentId(principal, agentId, EverrunsMapper.newSession(body));
        return Response.status(Response.Status.CREATED).entity(render(session)).build();
    }

    @Override
    public Response listSessions(String agentId, String search, Long offset, Long limit, String cursor) {
        Principal principal = principal();
        EverrunsLifecycleMapper.checkQuery(request.get().getUriInfo().getQueryParameters());
        EverrunsLifecycleMapper.ListParams params = EverrunsLifecycleMapper.listParams(agentId, search, offset, limit);
        if (cursor != null) {
            params = new EverrunsLifecycleMapper.ListParams(
                    params.agentId(),
                    params.search(),
                    params.offset(),
                    params.limit(),
                    tokens.decode(cursor, params.fingerprint(), "cursor"));
        }
        SessionPage page = lifecycle.list(principal, params.query(principal.tenant()));
        var uri = request.get().getUriInfo().getRequestUriBuilder();
        return Response.ok(EverrunsLifecycleMapper.page(
                        page,
                        params,
                        tokens,
                        (pageOffset, token) -> uri.clone()
                                .replaceQueryParam("offset", pageOffset)
                                .replaceQueryParam("cursor", token)
                                .build()
                                .toString(),
                        this::render))
                .build();
    }

    @Override
    public Response updateSession(String sessionId, UpdateSessionRequest body) {
        notTheStatsRoute(sessionId);
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        Session session = lifecycle.update(principal, RULE, key, EverrunsLifecycleMapper.patch(body));
        return Response.ok(render(session)).build();
    }

    @Override
    public Response deleteSession(String sessionId) {
        notTheStatsRoute(sessionId);
        Principal principal = principal();
        lifecycle.delete(principal, RULE, key(principal, sessionId));
        return Response.noContent().build();
    }

    @Override
    public Response cancelTurn(String sessionId) {
        Principal principal = principal();
        var result = lifecycle.cancel(principal, RULE, key(principal, sessionId), SessionLifecycle.Cancellable.RUNNING);
        return Response.ok(EverrunsLifecycleMapper.cancel(result)).build();
    }

    @Override
    public Response getSessionStats() {
        Principal principal = principal();
        var counts = lifecycle.stats(
                principal,
                SessionQuery.builder(RULE).tenantName(principal.tenant()).build());
        return Response.ok(EverrunsLifecycleMapper.stats(counts)).build();
    }

    @Override
    public Response pinSession(String sessionId) {
        Principal principal = principal();
        lifecycle.pin(principal, RULE, key(principal, sessionId));
        return Response.noContent().build();
    }

    @Override
    public Response unpinSession(String sessionId) {
        Principal principal = principal();
        lifecycle.unpin(principal, RULE, key(principal, sessionId));
        return Response.noContent().build();
    }

    @Override
    public Response forkSession(String sessionId, ForkSessionRequest body) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        Session fork = lifecycle.fork(principal, RULE, key, EverrunsLifecycleMapper.fork(body));
        return Response.status(Response.Status.CREATED).entity(render(fork)).build();
    }

    /**
     * The vendor authenticates in a middleware, before its handlers extract the query and the body: bad credentials
     * with a bad body are 401, not 400 (the server calls this before reading either).
     */
    @Override
    public void verifyCredentials(Caller caller) {
        EverrunsCredentials.principal(caller);
    }

    /**
     * {@code /v1/sessions/stats} is a route of its own (GET only) to the vendor, not a session id: other methods there
     * are 405, which Jersey, finding PATCH and DELETE on {@code /v1/sessions/{session_id}}, would not say.
     */
    private static void notTheStatsRoute(String sessionId) {
        if ("stats".equals(sessionId)) {
            throw new NotAllowedException("GET");
        }
    }

    private Principal principal() {
        return EverrunsCredentials.principal(Caller.of(request.get()));
    }

    /** The session id within the caller's organisation; 400 unless {@code session_<32 lowercase hex>}. */
    private static SessionKey key(Principal principal, String sessionId) {
        if (Ids.parsePrefixed("session", sessionId).isEmpty()) {
            throw GatewayException.invalidArgument(
                    "invalid session id: expected session_ followed by 32 lowercase hex digits", "session_id");
        }
        // the id as the client sent it, so that a refusal names it as the client knows it
        return new SessionKey(SessionKey.Form.ID, principal.tenant(), sessionId);
    }

    private io.sessiongateway.generated.everruns.model.Session render(Session session) {
        return EverrunsMapper.toSession(session, shape);
    }
}
