package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Everruns as its clients call it ({@code specs/everruns/}): bearer tokens or {@code evr_} keys in Authorization. */
public final class EverrunsClient extends DialectClient<EverrunsClient> {
    public static final String SESSIONS = "/v1/sessions";
    public static final String SESSION = SESSIONS + "/{session_id}";
    public static final String STATS = SESSIONS + "/stats";
    public static final String CANCEL = SESSION + "/cancel";
    public static final String PIN = SESSION + "/pin";
    public static final String FORK = SESSION + "/fork";
    public static final String MESSAGES = SESSION + "/messages";
    public static final String EVENTS = SESSION + "/events";
    public static final String SSE = SESSION + "/sse";

    public EverrunsClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private EverrunsClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected EverrunsClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new EverrunsClient(route, headers);
    }

    /** {@code POST /v1/sessions}. */
    public Response create(Object body) {
        return json(body).post(SESSIONS);
    }

    /** {@code GET /v1/sessions/{session_id}}. */
    public Response get(String id) {
        return request().get(SESSION, id);
    }

    /** {@code GET /v1/sessions} with query parameters (agent_id, search, offset, limit, cursor), as given. */
    public Response list(Map<String, ?> query) {
        return request().queryParams(query).get(SESSIONS);
    }

    /**
     * {@code GET} of a {@code next_url} or {@code prev_url} a list returned, as a client following it does: the whole URL.
     */
    public Response follow(String url) {
        return request().urlEncodingEnabled(false).get(url);
    }

    /** {@code PATCH /v1/sessions/{session_id}}. */
    public Response update(String id, Object body) {
        return json(body).patch(SESSION, id);
    }

    /** {@code DELETE /v1/sessions/{session_id}}. */
    public Response delete(String id) {
        return request().delete(SESSION, id);
    }

    /** {@code POST /v1/sessions/{session_id}/cancel} (no body, as the vendor's SDK sends it). */
    public Response cancel(String id) {
        return request().post(CANCEL, id);
    }

    /** {@code GET /v1/sessions/stats}. */
    public Response stats() {
        return request().get(STATS);
    }

    /** {@code PUT /v1/sessions/{session_id}/pin}. */
    public Response pin(String id) {
        return request().put(PIN, id);
    }

    /** {@code DELETE /v1/sessions/{session_id}/pin}. */
    public Response unpin(String id) {
        return request().delete(PIN, id);
    }

    /** {@code POST /v1/sessions/{session_id}/fork}; a null body sends none (every field is optional). */
    public Response fork(String id, Object body) {
        return json(body).post(FORK, id);
    }

    /** {@code GET /v1/sessions/{session_id}/messages}. */
    public Response messages(String id) {
        return request().get(MESSAGES, id);
    }

    /** {@code POST /v1/sessions/{session_id}/messages}. */
    public Response postMessage(String id, Object body) {
        return json(body).post(MESSAGES, id);
    }

    /** {@code POST …/messages} of one user text, as the vendor's SDK sends it. */
    public Response say(String id, String text) {
        return postMessage(
                id,
                Map.of("message", Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", text)))));
    }

    /**
     * {@code GET /v1/sessions/{session_id}/events} with query parameters as given; a list value is sent as repeated
     * keys ({@code types}, {@code exclude}), as the vendor's SDK sends them.
     */
    public Response events(String id, Map<String, ?> query) {
        return request().queryParams(query).get(EVENTS, id);
    }
}
