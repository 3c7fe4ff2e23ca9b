package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Recoup as its clients call it ({@code specs/recoup/}): exactly one of a bearer token or an {@code x-api-key}
 * ({@link #apiKey}).
 */
public final class RecoupClient extends DialectClient<RecoupClient> {
    public static final String SESSIONS = "/api/sessions";
    public static final String SESSION = SESSIONS + "/{sessionId}";
    public static final String CHATS = SESSION + "/chats";
    public static final String CHAT = CHATS + "/{chatId}";
    public static final String CHAT_STREAM = "/api/chat";

    public RecoupClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private RecoupClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected RecoupClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new RecoupClient(route, headers);
    }

    /** The same client authenticating with an {@code rcp_} key in {@code x-api-key}. */
    public RecoupClient apiKey(String key) {
        return withHeaders(Map.of("x-api-key", key));
    }

    /** {@code POST /api/sessions}; a null body sends none. */
    public Response create(Object body) {
        return json(body).post(SESSIONS);
    }

    /** {@code GET /api/sessions/{sessionId}}. */
    public Response get(String id) {
        return request().get(SESSION, id);
    }

    /** {@code PATCH /api/sessions/{sessionId}}; a null body sends none. */
    public Response update(String id, Object body) {
        return json(body).patch(SESSION, id);
    }

    /** {@code DELETE /api/sessions/{sessionId}} (the vendor's web app shape). */
    public Response delete(String id) {
        return request().delete(SESSION, id);
    }

    /**
     * {@code GET /api/sessions} (the vendor's web app shape) with these query parameters ({@code status},
     * {@code limit}, {@code offset}); none for the defaults.
     */
    public Response list(Map<String, ?> query) {
        return request().queryParams(query).get(SESSIONS);
    }

    /** {@code GET /api/sessions} with the defaults. */
    public Response list() {
        return list(Map.of());
    }

    /** {@code GET /api/sessions/{sessionId}/chats}. */
    public Response chats(String sessionId) {
        return request().get(CHATS, sessionId);
    }

    /** {@code POST /api/sessions/{sessionId}/chats}; a null body sends none. */
    public Response createChat(String sessionId, Object body) {
        return json(body).post(CHATS, sessionId);
    }

    /** {@code GET /api/sessions/{sessionId}/chats/{chatId}}: the chat with its messages. */
    public Response chat(String sessionId, String chatId) {
        return request().get(CHAT, sessionId, chatId);
    }

    /** {@code PATCH /api/sessions/{sessionId}/chats/{chatId}}. */
    public Response updateChat(String sessionId, String chatId, Object body) {
        return json(body).patch(CHAT, sessionId, chatId);
    }

    /** {@code DELETE /api/sessions/{sessionId}/chats/{chatId}}. */
    public Response deleteChat(String sessionId, String chatId) {
        return request().delete(CHAT, sessionId, chatId);
    }

    /** {@code POST /api/sessions/{sessionId}/chats/{chatId}/read}. */
    public Response markRead(String sessionId, String chatId) {
        return request().post(CHAT + "/read", sessionId, chatId);
    }

    /** {@code POST /api/chat}: send the chat's messages and stream the answer (the whole body, read to its end). */
    public Response send(Object body) {
        return json(body).post(CHAT_STREAM);
    }

    /** {@code POST /api/chat/{chatId}/stop}. */
    public Response stop(String chatId) {
        return request().post(CHAT_STREAM + "/{chatId}/stop", chatId);
    }

    /** {@code GET /api/chat/{chatId}/stream}, from {@code startIndex} when not null. */
    public Response resume(String chatId, Integer startIndex) {
        var r = request();
        if (startIndex != null) {
            r = r.queryParam("startIndex", startIndex);
        }
        return r.get(CHAT_STREAM + "/{chatId}/stream", chatId);
    }

    /** A UI message of the user with one text part, as the AI SDK's {@code useChat} sends it. */
    public static Map<String, Object> userText(String text) {
        return Map.of(
                "id",
                UUID.randomUUID().toString(),
                "role",
                "user",
                "parts",
                List.of(Map.of("type", "text", "text", text)));
    }
}
