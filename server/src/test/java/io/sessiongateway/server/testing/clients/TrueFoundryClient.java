package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/**
 * TrueFoundry Agent Harness as its clients call it ({@code specs/truefoundry/}): the tenant is the first path
 * segment, credentials are bearer tokens.
 */
public final class TrueFoundryClient extends DialectClient<TrueFoundryClient> {
    public static final String SESSIONS = "/{tenantName}/v1/agents/sessions";
    public static final String SESSION = SESSIONS + "/{sessionId}";
    public static final String CANCEL = SESSION + "/cancel";
    public static final String OWNED = "/{tenantName}/v1/x/agents/owned-sessions";
    public static final String SEARCH = "/{tenantName}/v1/x/agents/search-sessions";
    public static final String TURNS = SESSION + "/turns";
    public static final String TURN = TURNS + "/{turnId}";
    public static final String SUBSCRIBE = TURN + "/subscribe";
    public static final String TURN_EVENTS = TURN + "/events";
    public static final String SESSION_EVENTS = SESSION + "/events";

    public TrueFoundryClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private TrueFoundryClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected TrueFoundryClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new TrueFoundryClient(route, headers);
    }

    /** {@code POST /{tenantName}/v1/agents/sessions}. */
    public Response create(String tenant, Object body) {
        return json(body).post(SESSIONS, tenant);
    }

    /** {@code GET /{tenantName}/v1/agents/sessions/{sessionId}}. */
    public Response get(String tenant, String id) {
        return request().get(SESSION, tenant, id);
    }

    /** {@code listSessions}: {@code GET /{tenantName}/v1/agents/sessions?agent_name=…&…}. */
    public Response list(String tenant, Map<String, ?> query) {
        return request().queryParams(query).get(SESSIONS, tenant);
    }

    /** {@code listOwnedSessions}: {@code GET /{tenantName}/v1/x/agents/owned-sessions?…}. */
    public Response owned(String tenant, Map<String, ?> query) {
        return request().queryParams(query).get(OWNED, tenant);
    }

    /** {@code searchSessions}: {@code GET /{tenantName}/v1/x/agents/search-sessions?…}. */
    public Response search(String tenant, Map<String, ?> query) {
        return request().queryParams(query).get(SEARCH, tenant);
    }

    /** {@code cancelSession}: {@code POST …/sessions/{sessionId}/cancel} with a body (null: none). */
    public Response cancel(String tenant, String id, Object body) {
        return json(body).post(CANCEL, tenant, id);
    }

    /** {@code deleteSession}: {@code DELETE …/sessions/{sessionId}} (405: the hosted API has no delete). */
    public Response delete(String tenant, String id) {
        return request().delete(SESSION, tenant, id);
    }

    /** {@code updateSession}: {@code PATCH …/sessions/{sessionId}} (405: the hosted API has no update). */
    public Response update(String tenant, String id, Object body) {
        return json(body).patch(SESSION, tenant, id);
    }

    /** {@code createTurn}: {@code POST …/sessions/{sessionId}/turns} (a {@code text/event-stream} until the turn ends). */
    public Response createTurn(String tenant, String id, Object body) {
        return json(body).post(TURNS, tenant, id);
    }

    /** {@code listTurns}: {@code GET …/sessions/{sessionId}/turns?…}, newest first. */
    public Response listTurns(String tenant, String id, Map<String, ?> query) {
        return request().queryParams(query).get(TURNS, tenant, id);
    }

    /** {@code getTurn}: {@code GET …/sessions/{sessionId}/turns/{turnId}}. */
    public Response getTurn(String tenant, String id, String turnId) {
        return request().get(TURN, tenant, id, turnId);
    }

    /**
     * {@code subscribeToTurn}: {@code POST …/turns/{turnId}/subscribe} with a body (null: none) and a
     * {@code Last-Event-Id} (null: none).
     */
    public Response subscribe(String tenant, String id, String turnId, Object body, String lastEventId) {
        RequestSpecification request = json(body);
        if (lastEventId != null) {
            request.header("Last-Event-Id", lastEventId);
        }
        return request.post(SUBSCRIBE, tenant, id, turnId);
    }

    /** {@code listTurnEvents}: {@code GET …/turns/{turnId}/events?…}. */
    public Response turnEvents(String tenant, String id, String turnId, Map<String, ?> query) {
        return request().queryParams(query).get(TURN_EVENTS, tenant, id, turnId);
    }

    /** {@code listSessionEvents}: {@code GET …/sessions/{sessionId}/events?…}. */
    public Response sessionEvents(String tenant, String id, Map<String, ?> query) {
        return request().queryParams(query).get(SESSION_EVENTS, tenant, id);
    }
}
