package io.sessiongateway.adapters.truefoundry;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.DirectRead;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.adapters.truefoundry.TrueFoundryListMapper.Token;
import io.sessiongateway.adapters.truefoundry.TrueFoundryListMapper.Window;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionLifecycle;
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
import io.sessiongateway.generated.truefoundry.model.CreateSessionRequest;
import io.sessiongateway.generated.truefoundry.model.GetSessionResponse;
import io.sessiongateway.generated.truefoundry.model.ListOwnedSessionsResponse;
import io.sessiongateway.generated.truefoundry.model.ListSessionsResponse;
import io.sessiongateway.generated.truefoundry.model.SearchSessionsResponse;
import io.sessiongateway.generated.truefoundry.model.SubscribeToTurnRequest;
import io.sessiongateway.generated.truefoundry.model.TokenPagination;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * TrueFoundry Agent Harness sessions: parse, call the core, render. Mounted under {@code /{tenantName}}. Every
 * operation reads and writes under one rule, {@link AccessRule#OWNER_MANAGER_OR_ADMIN} (owned-sessions: only the
 * owner's), so a list shows exactly what get shows the same caller. Credentials are checked before parameters and
 * body (the vendor authenticates first), except on the two methods the hosted API does not have: those are 405
 * whoever asks.
 */
public final class TrueFoundryAdapter
        implements V1GetSessionApi,
                V1CreateSessionApi,
                V1ListSessionsApi,
                V1ListOwnedSessionsApi,
                V1SearchSessionsApi,
                V1CancelSessionApi,
                V1UnsupportedSessionMethodsApi,
                V1TurnsApi,
                V1TurnEventsApi,
                CredentialsFirst,
                DirectRead {
    static final String TENANT_PARAM = "tenantName";
    private static final AccessRule RULE = AccessRule.OWNER_MANAGER_OR_ADMIN;
    private static final List<String> WINDOW_PARAMS =
            List.of("limit", "order", "page_token", "start_timestamp", "end_timestamp");
    private static final List<String> LIST_PARAMS = with("agent_name");
    private static final List<String> SEARCH_PARAMS =
            with("agent_name", "created_by_subject_id", "created_by_subject_type", "session_type", "session_id");

    private final SessionService sessions;
    private final SessionLifecycle lifecycle;
    private final PageTokens tokens;
    private final Clock clock;
    private final ConversationService conversations;
    private final TrueFoundryTurns turns;

    @Context
    private UriInfo uri;
    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    /**
     * @param conversations turns and events; null where only the declarations are read
     * @param streams the turns' event streams
     */
    public TrueFoundryAdapter(
            SessionService sessions,
            PageTokens tokens,
            Clock clock,
            ConversationService conversations,
            EventStreams streams) {
        this.sessions = sessions;
        this.lifecycle = sessions == null ? null : sessions.lifecycle();
        this.tokens = tokens;
        this.clock = clock;
        this.conversations = conversations;
        this.turns = new TrueFoundryTurns(conversations, lifecycle, tokens, streams);
    }

    private static List<String> with(String... names) {
        List<String> all = new ArrayList<>(Arrays.asList(names));
        all.addAll(WINDOW_PARAMS);
        return List.copyOf(all);
    }

    /**
     * DELETE and PATCH of a session are refused before authentication (as OPTIONS, which Jersey answers itself, is
     * served without); everything else needs a Bearer JWT.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        String method = request.get().getMethod();
        if (!method.equals("DELETE") && !method.equals("PATCH") && !method.equals("OPTIONS")) {
            caller.require();
        }
    }

    private Principal principal() {
        return Caller.of(request.get()).require();
    }

    private String tenant() {
        return uri.getPathParameters().getFirst(TENANT_PARAM);
    }

    private SessionKey key(String sessionId) {
        return key(tenant(), sessionId);
    }

    private static SessionKey key(String tenant, String sessionId) {
        if (sessionId.length() > TrueFoundryMapper.SESSION_ID_MAX) {
            // No session can have such an id; get and cancel declare no 400 for it.
            throw GatewayException.notFound("session_not_found", "session not found");
        }
        return SessionKey.publicId(tenant, sessionId);
    }

    @Override
    public Response v1AgentsSessionsSessionIdGet(String sessionId) {
        return Response.ok(get(principal(), tenant(), sessionId)).build();
    }

    /** Get's answer, for Jersey's method and the server's fast path alike. */
    private GetSessionResponse get(Principal principal, String tenant, String sessionId) {
        Session session = lifecycle.read(principal, RULE, key(tenant, sessionId));
        return new GetSessionResponse().data(TrueFoundryMapper.toSession(session));
    }

    @Override
    public String directOperation() {
        return "v1AgentsSessionsSessionIdGet";
    }

    /** {@link #verifyCredentials} for a GET (a Bearer JWT), then {@link #v1AgentsSessionsSessionIdGet}. */
    @Override
    public Object readDirect(Caller caller, Map<String, String> pathParameters) {
        return get(caller.require(), pathParameters.get(TENANT_PARAM), pathParameters.get("sessionId"));
    }

    @Override
    public Response v1AgentsSessionsPost(CreateSessionRequest body) {
        Principal principal = principal();
        String tenant = tenant();
        String agentName = TrueFoundryMapper.agentName(body);
        Session session = sessions.createForAgentName(
                principal, tenant, agentName, TrueFoundryMapper.newSession(RequestBodies.tree(request.get())));
        return Response.status(Response.Status.CREATED)
                .entity(new GetSessionResponse().data(TrueFoundryMapper.toSession(session)))
                .build();
    }

    @Override
    public Response listSessions(
            String agentName,
            Integer limit,
            String order,
            String pageToken,
            OffsetDateTime startTimestamp,
            OffsetDateTime endTimestamp) {
        Principal principal = principal();
        TrueFoundryListMapper.checkRaw(uri.getQueryParameters(), LIST_PARAMS);
        String agent = TrueFoundryListMapper.agentName(agentName, true);
        Listing l = listing(limit, order, startTimestamp, endTimestamp, true, pageToken, "list", agent);
        SessionPage page =
                lifecycle.list(principal, l.query(RULE).agentName(agent).build());
        return Response.ok(new ListSessionsResponse()
                        .data(TrueFoundryListMapper.items(page))
                        .pagination(l.pagination(page)))
                .build();
    }

    @Override
    public Response listOwnedSessions(
            String agentName,
            Integer limit,
            String order,
            String pageToken,
            OffsetDateTime startTimestamp,
            OffsetDateTime endTimestamp) {
        Principal principal = principal();
        TrueFoundryListMapper.checkRaw(uri.getQueryParameters(), LIST_PARAMS);
        String agent = TrueFoundryListMapper.agentName(agentName, false);
        Listing l = listing(limit, order, startTimestamp, endTimestamp, true, pageToken, "owned", agent);
        SessionPage page = lifecycle.list(
                principal, l.query(AccessRule.OWNER).agentName(agent).build());
        return Response.ok(new ListOwnedSessionsResponse()
                        .data(TrueFoundryListMapper.items(page))
                        .pagination(l.pagination(page)))
                .build();
    }

    @Override
    public Response searchSessions(
            String agentName,
            String createdBySubjectId,
            String createdBySubjectType,
            String sessionType,
            String sessionId,
            Integer limit,
            String order,
            String pageToken,
            OffsetDateTime startTimestamp,
            OffsetDateTime endTimestamp) {
        Principal principal = principal();
        TrueFoundryListMapper.checkRaw(uri.getQueryParameters(), SEARCH_PARAMS);
        String agent = TrueFoundryListMapper.agentName(agentName, false);
        String subjectId = createdBySubjectId;
        String subjectType = TrueFoundryListMapper.oneOf(
                createdBySubjectType, "created_by_subject_type", TrueFoundryListMapper.SUBJECT_TYPES);
        String type = TrueFoundryListMapper.oneOf(
                sessionType, "session_type", Set.of(TrueFoundryListMapper.SAVED, TrueFoundryListMapper.DRAFT));
        String id = TrueFoundryListMapper.text(sessionId, "session_id", TrueFoundryMapper.SESSION_ID_MAX);
        Listing l = listing(
                limit,
                order,
                startTimestamp,
                endTimestamp,
                false,
                pageToken,
                "search",
                agent,
                subjectId,
                subjectType,
                type,
                id);
        SubjectRef owner = TrueFoundryListMapper.owner(subjectId, subjectType);
        SessionPage page;
        if (TrueFoundryListMapper.DRAFT.equals(type)) {
            page = empty(); // the gateway has no draft sessions
        } else if (id != null) {
            page = one(principal, id, agent, owner, l);
        } else {
            page = search(principal, l.query(RULE).agentName(agent).owner(owner));
        }
        return Response.ok(new SearchSessionsResponse()
                        .data(TrueFoundryListMapper.items(page))
                        .pagination(l.pagination(page)))
                .build();
    }

    /**
     * A search: what get shows the caller. An agent filter never refuses: an unknown agent matches nothing, and on a
     * restricted agent it does not manage the caller sees its own sessions (the list's 403 is not the search's).
     */
    private SessionPage search(Principal principal, SessionQuery.Builder query) {
        try {
            return lifecycle.list(principal, query.build());
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND && "agent_not_found".equals(e.code())) {
                return empty();
            }
            if (e.kind() == ErrorKind.FORBIDDEN && "agent_forbidden".equals(e.code())) {
                SessionQuery q = query.build();
                return lifecycle.list(
                        principal,
                        SessionQuery.builder(AccessRule.OWNER)
                                .tenantName(q.tenantName())
                                .agentName(q.agentName())
                                .owner(q.owner())
                                .createdFrom(q.createdFrom())
                                .createdTo(q.createdTo())
                                .order(q.order())
                                .position(q.position(), q.direction())
                                .limit(q.limit())
                                .build());
            }
            throw e;
        }
    }

    /** Search by session id: the session if get would show it and it passes the other filters, else nothing. */
    private SessionPage one(Principal principal, String id, String agent, SubjectRef owner, Listing l) {
        Session session;
        try {
            session = lifecycle.read(principal, RULE, SessionKey.publicId(tenant(), id));
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND || e.kind() == ErrorKind.FORBIDDEN) {
                return empty();
            }
            throw e;
        }
        boolean shown = TrueFoundryListMapper.matches(session, agent, owner, l.window)
                && (l.token == null || TrueFoundryListMapper.beyond(session, l.token, l.order));
        return shown
                ? new SessionPage(List.of(session), Optional.empty(), Optional.empty(), OptionalLong.empty())
                : empty();
    }

    private static SessionPage empty() {
        return new SessionPage(List.of(), Optional.empty(), Optional.empty(), OptionalLong.empty());
    }

    /** Refused before authentication: the hosted API has no delete. */
    @Override
    public Response deleteSession(String sessionId) {
        return TrueFoundryDialect.methodNotAllowed("sessions cannot be deleted through this API");
    }

    /** Refused before authentication: the hosted API has no rename or other update of a saved session. */
    @Override
    public Response updateSession(String sessionId) {
        return TrueFoundryDialect.methodNotAllowed("sessions cannot be updated through this API");
    }

    /**
     * Cancels the running turn (and any queued one) with reason {@code client-cancelled}; the session then waits for
     * input. Without an open turn, a session another dialect marked running is cancelled as before; otherwise nothing
     * changes. Either way {@code {}}: safe to repeat.
     */
    @Override
    public Response cancelSession(String sessionId, Object body) {
        Principal principal = principal();
        SessionKey key = key(sessionId);
        if (conversations
                .cancelOpenTurns(principal, RULE, key, CancelReason.CLIENT_CANCELLED)
                .isEmpty()) {
            lifecycle.cancel(principal, RULE, key, SessionLifecycle.Cancellable.RUNNING);
        }
        return Response.ok(Map.of()).build();
    }

    // ---- turns and events (TrueFoundryTurns)

    @Override
    public Response createTurn(String sessionId, Object body) {
        Principal principal = principal();
        return turns.create(principal, key(sessionId), RequestBodies.tree(request.get()));
    }

    @Override
    public Response listTurns(String sessionId, String pageToken, Integer limit) {
        Principal principal = principal();
        checkRaw("page_token", "limit");
        return turns.listTurns(principal, key(sessionId), pageToken, limit);
    }

    @Override
    public Response getTurn(String sessionId, String turnId) {
        Principal principal = principal();
        return turns.getTurn(principal, key(sessionId), turnId);
    }

    @Override
    public Response subscribeToTurn(
            String sessionId, String turnId, String lastEventId, SubscribeToTurnRequest subscribeToTurnRequest) {
        Principal principal = principal();
        return turns.subscribe(principal, key(sessionId), turnId, lastEventId, RequestBodies.tree(request.get()));
    }

    @Override
    public Response listTurnEvents(String sessionId, String turnId, String pageToken, Integer limit, String order) {
        Principal principal = principal();
        checkRaw("page_token", "limit", "order");
        return turns.listTurnEvents(principal, key(sessionId), turnId, pageToken, limit, order);
    }

    @Override
    public Response listSessionEvents(String sessionId, String pageToken, String lastTurnId, Integer limit) {
        Principal principal = principal();
        checkRaw("page_token", "last_turn_id", "limit");
        return turns.listSessionEvents(principal, key(sessionId), pageToken, lastTurnId, limit);
    }

    /** Each declared query parameter at most once and not empty (400 on these operations). */
    private void checkRaw(String... declared) {
        TrueFoundryListMapper.checkRaw(uri.getQueryParameters(), List.of(declared));
    }

    // ---- the parts every list shares

    /** A list's page parameters, window and token, read once. */
    private Listing listing(
            Integer limit,
            String order,
            OffsetDateTime start,
            OffsetDateTime end,
            boolean defaultStart,
            String pageToken,
            Object... filters) {
        int lim = TrueFoundryListMapper.limit(limit);
        Order ord = TrueFoundryListMapper.order(order);
        Window window = TrueFoundryListMapper.window(start, end, clock.instant(), defaultStart);
        List<Object> parameters = new ArrayList<>(Arrays.asList(filters));
        parameters.add(tenant());
        parameters.add(lim);
        parameters.add(ord);
        // the raw values: a token stays valid for exactly the query it was issued for
        parameters.add(uri.getQueryParameters().getFirst("start_timestamp"));
        parameters.add(uri.getQueryParameters().getFirst("end_timestamp"));
        Token token = pageToken == null ? null : TrueFoundryListMapper.readToken(tokens, pageToken, parameters);
        return new Listing(lim, ord, token == null ? window : token.window(), token, parameters);
    }

    private final class Listing {
        final int limit;
        final Order order;
        final Window window;
        final Token token;
        final List<Object> parameters;

        Listing(int limit, Order order, Window window, Token token, List<Object> parameters) {
            this.limit = limit;
            this.order = order;
            this.window = window;
            this.token = token;
            this.parameters = parameters;
        }

        SessionQuery.Builder query(AccessRule rule) {
            SessionQuery.Builder q = SessionQuery.builder(rule)
                    .tenantName(tenant())
                    .order(order)
                    .limit(limit)
                    .createdFrom(window.from())
                    .createdTo(window.to());
            if (token != null) {
                q.position(token.position(), token.direction());
            }
            return q;
        }

        TokenPagination pagination(SessionPage page) {
            return TrueFoundryListMapper.pagination(tokens, page, limit, window, parameters);
        }
    }
}
