package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/** Agentcloud as its web client calls it ({@code specs/agentcloud/}): team-scoped paths under the resource slug. */
public final class AgentcloudClient extends DialectClient<AgentcloudClient> {
    public static final String ADD_SESSION = "/{resourceSlug}/forms/session/add";
    public static final String SESSION = "/{resourceSlug}/session/{sessionId}.json";
    public static final String SESSIONS = "/{resourceSlug}/sessions.json";
    public static final String FORM = "/{resourceSlug}/forms/session/{sessionId}";
    public static final String CANCEL = FORM + "/cancel";
    public static final String EDIT = FORM + "/edit";
    public static final String MESSAGES = "/{resourceSlug}/session/{sessionId}/messages.json";
    public static final String SEND_MESSAGE = "/{resourceSlug}/session/{sessionId}/send-message";

    public AgentcloudClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private AgentcloudClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected AgentcloudClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new AgentcloudClient(route, headers);
    }

    /** {@code POST /{resourceSlug}/forms/session/add}: a session of an app; the answer redirects to it. */
    public Response create(String slug, Object body) {
        return json(body).post(ADD_SESSION, slug);
    }

    /** {@code GET /{resourceSlug}/session/{sessionId}.json}. */
    public Response get(String slug, String id) {
        return request().get(SESSION, slug, id);
    }

    /** {@code GET /{resourceSlug}/sessions.json}: the first page. */
    public Response list(String slug) {
        return request().get(SESSIONS, slug);
    }

    /** {@code GET /{resourceSlug}/sessions.json?before=}: the page after {@code before} (sent as given). */
    public Response list(String slug, String before) {
        return request().queryParam("before", before).get(SESSIONS, slug);
    }

    /** {@code DELETE /{resourceSlug}/forms/session/{sessionId}} with {@code {"sessionId": id}}, as the web client. */
    public Response delete(String slug, String id) {
        return delete(slug, id, Map.of("sessionId", id));
    }

    /** {@code DELETE /{resourceSlug}/forms/session/{sessionId}} with any body (null: none). */
    public Response delete(String slug, String id, Object body) {
        return json(body).delete(FORM, slug, id);
    }

    /** {@code POST /{resourceSlug}/forms/session/{sessionId}/cancel} with {@code {"sessionId": id}}. */
    public Response cancel(String slug, String id) {
        return cancel(slug, id, Map.of("sessionId", id));
    }

    /** {@code POST /{resourceSlug}/forms/session/{sessionId}/cancel} with any body (null: none). */
    public Response cancel(String slug, String id, Object body) {
        return json(body).post(CANCEL, slug, id);
    }

    /** {@code POST /{resourceSlug}/forms/session/{sessionId}/edit} with {@code {"sessionId": id, "variables": …}}. */
    public Response editVariables(String slug, String id, Map<String, ?> variables) {
        return edit(slug, id, (Object) Map.of("sessionId", id, "variables", variables));
    }

    /** {@code POST /{resourceSlug}/forms/session/{sessionId}/edit} with any body (null: none). */
    public Response edit(String slug, String id, Object body) {
        return json(body).post(EDIT, slug, id);
    }

    /** {@code GET /{resourceSlug}/session/{sessionId}/messages.json}: every message of the session. */
    public Response messages(String slug, String id) {
        return request().get(MESSAGES, slug, id);
    }

    /** {@code GET …/messages.json?messageId=}: the messages after that one ({@code messageId} sent as given). */
    public Response messagesAfter(String slug, String id, String messageId) {
        return request().queryParam("messageId", messageId).get(MESSAGES, slug, id);
    }

    /** {@code POST /{resourceSlug}/session/{sessionId}/send-message} with {@code {"messageText": text}}. */
    public Response send(String slug, String id, String text) {
        return sendBody(slug, id, Map.of("messageText", text));
    }

    /** {@code POST /{resourceSlug}/session/{sessionId}/send-message} with any body (null: none). */
    public Response sendBody(String slug, String id, Object body) {
        return json(body).post(SEND_MESSAGE, slug, id);
    }

    /** The session id at the end of a create's {@code redirect}. */
    public static String createdId(Response created) {
        String redirect = created.jsonPath().getString("redirect");
        return redirect.substring(redirect.lastIndexOf('/') + 1);
    }
}
