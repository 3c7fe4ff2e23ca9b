package io.sessiongateway.adapters.everruns;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.DirectRead;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionLifecycle;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.everruns.api.V1Api;
import io.sessiongateway.generated.everruns.api.V1CancelSessionApi;
import io.sessiongateway.generated.everruns.api.V1DeleteSessionApi;
import io.sessiongateway.generated.everruns.api.V1EventsApi;
import io.sessiongateway.generated.everruns.api.V1ForkSessionApi;
import io.sessiongateway.generated.everruns.api.V1ListSessionsApi;
import io.sessiongateway.generated.everruns.api.V1MessagesApi;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
                V1MessagesApi,
                V1EventsApi,
                CredentialsFirst,
                DirectRead {
    private static final AccessRule RULE = AccessRule.TENANT_MEMBER;
    /** Events read from the store per query while a list scans its selection. */
    private static final int SCAN = 500;

    private final SessionService sessions;
    private final SessionLifecycle lifecycle;
    private final PageTokens tokens;
    private final EverrunsMapper.Shape shape;
    private final EventStreams streams;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public EverrunsAdapter(
            SessionService sessions, PageTokens tokens, EverrunsMapper.Shape shape, EventStreams streams) {
        this.sessions = sessions;
        this.lifecycle = sessions == null ? null : sessions.lifecycle();
        this.tokens = tokens;
        this.shape = shape;
        this.streams = streams;
    }

    @Override
    public Response getSession(String sessionId) {
        return Response.ok(get(principal(), sessionId)).build();
    }

    /** Get's answer, for Jersey's method and the server's fast path alike. */
    private io.sessiongateway.generated.everruns.model.Session get(Principal principal, String sessionId) {
        Session session = lifecycle.read(principal, RULE, key(principal, sessionId));
        return render(session);
    }

    @Override
    public String directOperation() {
        return "getSession";
    }

    /** {@link #verifyCredentials}, then {@link #getSession}. */
    @Override
    public Object readDirect(Caller caller, Map<String, String> pathParameters) {
        return get(EverrunsCredentials.principal(caller), pathParameters.get("session_id"));
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

    /**
     * Cancels the session's open turn ({@code cancelled}; the session goes back to idle as the turn ends). With no
     * open turn, a session another dialect set running (no turn behind it) is cancelled as before turns existed;
     * otherwise {@code no_op}.
     */
    @Override
    public Response cancelTurn(String sessionId) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        Optional<Turn> cancelled = conversations().cancelOpenTurns(principal, RULE, key, CancelReason.CLIENT_CANCELLED);
        CancelResult result = cancelled.isPresent()
                ? new CancelResult(null, true)
                : lifecycle.cancel(principal, RULE, key, SessionLifecycle.Cancellable.RUNNING);
        return Response.ok(EverrunsLifecycleMapper.cancel(result)).build();
    }

    @Override
    public Response listMessages(String sessionId) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        List<Message> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Message> page = conversations().messages(principal, RULE, key, after, null, SCAN, false);
            all.addAll(page);
            if (page.size() < SCAN) {
                break;
            }
            after = page.get(page.size() - 1).seq();
        }
        return Response.ok(EverrunsConversationMapper.messages(all, shape)).build();
    }

    @Override
    public Response createMessage(String sessionId, Object body) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        var message = EverrunsConversationMapper.newMessage(RequestBodies.tree(request.get()));
        Posted posted = conversations().post(principal, RULE, key, message);
        return Response.status(Response.Status.CREATED)
                .entity(EverrunsConversationMapper.listedMessage(posted.message()))
                .build();
    }

    /**
     * One page of the session's events as Everruns shows them: the selection is scanned from the store in seq order
     * (the projection leaves some canonical events out, so {@code limit} and {@code X-Total-Count} count what
     * Everruns shows), keeping the oldest {@code limit} events, or the newest when {@code before_sequence} pages
     * backward.
     */
    @Override
    public Response listEvents(
            String sessionId,
            String sinceId,
            List<String> types,
            List<String> exclude,
            Integer limit,
            Integer beforeSequence,
            Integer afterSequence) {
        Principal principal = principal();
        EverrunsConversationMapper.checkQuery(
                request.get().getUriInfo().getQueryParameters(),
                List.of("since_id", "limit", "before_sequence", "after_sequence"),
                List.of("limit", "before_sequence", "after_sequence"));
        SessionKey key = key(principal, sessionId);
        UUID since = sinceId == null ? null : EverrunsConversationMapper.sinceId(sinceId);
        EverrunsConversationMapper.filter(types, exclude, limit, beforeSequence, afterSequence, 0);
        ConversationService.SessionLog log = conversations().log(principal, RULE, key);
        long sinceSeq = since == null ? 0 : sinceSeq(log, since);
        var filter = EverrunsConversationMapper.filter(types, exclude, limit, beforeSequence, afterSequence, sinceSeq);
        Set<EventType> canonical = filter.canonical();
        ArrayDeque<Event> window = new ArrayDeque<>();
        long total = 0;
        if (!canonical.isEmpty()) {
            var classifier = new EverrunsConversationMapper.Renderer(lookup(log));
            long cursor = filter.afterSeq();
            while (true) {
                List<Event> batch = log.page(new EventQuery(cursor, filter.beforeSeq(), canonical, null, SCAN, false));
                for (Event e : batch) {
                    Optional<String> type = classifier.type(e);
                    if (type.isPresent() && filter.types().contains(type.get())) {
                        total++;
                        if (filter.backward()) {
                            window.addLast(e);
                            if (window.size() > filter.limit()) {
                                window.removeFirst();
                            }
                        } else if (window.size() < filter.limit()) {
                            window.addLast(e);
                        }
                    }
                }
                if (batch.size() < SCAN) {
                    break;
                }
                cursor = batch.get(batch.size() - 1).seq();
            }
        }
        var renderer = new EverrunsConversationMapper.Renderer(lookup(log));
        var body = JsonNodeFactory.instance.objectNode();
        var data = body.putArray("data");
        for (Event e : window) {
            renderer.render(e).ifPresent(data::add);
        }
        return Response.ok(body).header("X-Total-Count", total).build();
    }

    /**
     * The session's log as Server-Sent Events ({@link EventStreams}): {@code connected} first, the events after
     * {@code since_id} (all without it), then live ones; {@code disconnecting} before the connection is cycled (every
     * 5 minutes, as the vendor) or the gateway stops. The renderer is primed with the log up to {@code since_id} (the
     * turn it belongs to), so mapping a frame reads nothing from the store.
     */
    @Override
    public Response streamEvents(String sessionId, String sinceId, List<String> types, List<String> exclude) {
        Principal principal = principal();
        EverrunsConversationMapper.checkQuery(
                request.get().getUriInfo().getQueryParameters(), List.of("since_id"), List.of());
        SessionKey key = key(principal, sessionId);
        UUID since = sinceId == null ? null : EverrunsConversationMapper.sinceId(sinceId);
        Set<String> selected = EverrunsConversationMapper.selectedTypes(types, exclude);
        ConversationService.SessionLog log = conversations().log(principal, RULE, key);
        if (streams == null) {
            throw new GatewayException(ErrorKind.UNAVAILABLE, "streams_unavailable", "event streams are not served");
        }
        var renderer = new EverrunsConversationMapper.Renderer(lookup(log));
        long afterSeq = 0;
        if (since != null) {
            Event last = log.find(since)
                    .orElseThrow(() ->
                            GatewayException.invalidArgument("since_id names no event of this session", "since_id"));
            afterSeq = last.seq();
            if (last.turnId() != null) {
                log.page(new EventQuery(0, last.seq(), Set.of(), last.turnId(), SCAN, false))
                        .forEach(renderer::render);
            }
            renderer.render(last);
        }
        return streams.open(
                log.sessionId(),
                afterSeq,
                event -> EverrunsConversationMapper.frame(renderer, selected, event),
                EverrunsConversationMapper.streamOptions());
    }

    /** The seq a {@code since_id} names; 400 when it names no event of this session. */
    private static long sinceSeq(ConversationService.SessionLog log, UUID since) {
        return log.find(since)
                .map(Event::seq)
                .orElseThrow(
                        () -> GatewayException.invalidArgument("since_id names no event of this session", "since_id"));
    }

    /** Reads of the session's log a rendering may need (the cause of a status move, earlier deltas, tool names). */
    private static EverrunsConversationMapper.Lookup lookup(ConversationService.SessionLog log) {
        return new EverrunsConversationMapper.Lookup() {
            @Override
            public Optional<Event> at(long seq) {
                return log.page(new EventQuery(seq - 1, seq + 1, Set.of(), null, 1, false)).stream()
                        .findFirst();
            }

            @Override
            public List<Event> turnEvents(UUID turnId, EventType type, long beforeSeq) {
                return log.page(new EventQuery(0, beforeSeq, Set.of(type), turnId, 1000, false));
            }
        };
    }

    private ConversationService conversations() {
        return sessions.conversations();
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
