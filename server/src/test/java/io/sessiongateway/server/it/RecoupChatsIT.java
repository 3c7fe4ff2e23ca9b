package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.RecoupClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recoup's chats over real HTTP (specs/recoup/chats.yaml): the session's default chat (its id is the one create
 * answers), extra chats created with the client's id or a fresh one, PATCH, DELETE (never the last chat), read
 * marks; every declared status for its reason, whole bodies compared.
 */
class RecoupChatsIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    static Provisioning.Tenant t;
    static RecoupClient me;

    @BeforeAll
    static void provision() {
        t = GATEWAY.provisioning().tenant();
        me = CLIENTS.recoup().as(t.bearer());
    }

    /** A new session of the account: its id and its initial chat as create answered them. */
    record Created(String id, Map<String, Object> chat) {}

    static Created create(RecoupClient as) {
        Response r = as.create(Map.of());
        assertEquals(200, r.statusCode(), r.asString());
        return new Created(r.jsonPath().getString("session.id"), r.jsonPath().getMap("chat"));
    }

    static void assertError(Response r, int status, String message) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(Map.of("status", "error", "error", message), r.jsonPath().getMap(""));
    }

    static Map<String, Object> summary(Map<String, Object> chat, boolean unread, boolean streaming) {
        Map<String, Object> s = new LinkedHashMap<>(chat);
        s.put("hasUnread", unread);
        s.put("isStreaming", streaming);
        return s;
    }

    static Map<String, Object> with(Map<String, Object> map, Object... pairs) {
        Map<String, Object> copy = new LinkedHashMap<>(map);
        for (int i = 0; i < pairs.length; i += 2) {
            copy.put((String) pairs[i], pairs[i + 1]);
        }
        return copy;
    }

    @Test
    void aNewSessionHasItsInitialChat() {
        Created s = create(me);
        Map<String, Object> chat = s.chat();
        assertEquals(s.id(), chat.get("sessionId"));
        assertEquals("New chat", chat.get("title"));

        Response list = me.chats(s.id());
        assertEquals(200, list.statusCode(), list.asString());
        assertEquals(
                Map.of("chats", List.of(summary(chat, false, false)), "defaultModelId", chat.get("modelId")),
                list.jsonPath().getMap(""));

        Response got = me.chat(s.id(), (String) chat.get("id"));
        assertEquals(200, got.statusCode(), got.asString());
        assertEquals(
                Map.of("chat", chat, "isStreaming", false, "messages", List.of()),
                got.jsonPath().getMap(""));
    }

    @Test
    void chatsAreCreatedWithTheClientsIdOnceAndListedOldestFirst() {
        Created s = create(me);
        String mine = UUID.randomUUID().toString();
        Response r = me.createChat(s.id(), Map.of("id", mine));
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> chat = r.jsonPath().getMap("chat");
        assertEquals(Map.of("chat", chat), r.jsonPath().getMap(""));
        assertEquals(mine, chat.get("id"));
        assertEquals(s.id(), chat.get("sessionId"));
        assertEquals("New chat", chat.get("title"));
        assertEquals(s.chat().get("modelId"), chat.get("modelId"));
        assertEquals(null, chat.get("activeStreamId"));
        assertEquals(null, chat.get("lastAssistantMessageAt"));
        assertEquals(chat.get("createdAt"), chat.get("updatedAt"));

        Response again = me.createChat(s.id(), Map.of("id", mine));
        assertEquals(200, again.statusCode(), again.asString());
        assertEquals(Map.of("chat", chat), again.jsonPath().getMap(""), "the same chat, unchanged");

        Response fresh = me.createChat(s.id(), null);
        assertEquals(200, fresh.statusCode(), fresh.asString());
        Map<String, Object> third = fresh.jsonPath().getMap("chat");
        UUID.fromString((String) third.get("id"));

        Response list = me.chats(s.id());
        assertEquals(200, list.statusCode(), list.asString());
        assertEquals(
                List.of(summary(s.chat(), false, false), summary(chat, false, false), summary(third, false, false)),
                list.jsonPath().getList("chats"));
    }

    @Test
    void aChatIdIsAUuidOfOneSession() {
        Created s = create(me);
        assertError(me.createChat(s.id(), Map.of("id", "not-a-uuid")), 400, "Invalid chat id");
        assertError(me.createChat(s.id(), Map.of("id", 7)), 400, "id must be a string");

        Created other = create(me);
        String id = UUID.randomUUID().toString();
        assertEquals(200, me.createChat(other.id(), Map.of("id", id)).statusCode());
        assertError(me.createChat(s.id(), Map.of("id", id)), 409, "Chat ID conflict");
        // another session's default chat id is taken too
        assertError(me.createChat(s.id(), Map.of("id", other.chat().get("id"))), 409, "Chat ID conflict");
        // a chat of another session is not a chat of this one
        assertError(me.chat(s.id(), id), 404, "Chat not found");
        assertError(me.chat(s.id(), "nope"), 404, "Chat not found");
    }

    @Test
    void patchRenamesOrSetsTheModelAndMovesUpdatedAt() {
        Created s = create(me);
        String id = (String) s.chat().get("id");
        Response r = me.updateChat(s.id(), id, Map.of("title", "Mixing notes"));
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> renamed = r.jsonPath().getMap("chat");
        assertTrue(Instant.parse((String) renamed.get("updatedAt"))
                .isAfter(Instant.parse((String) s.chat().get("updatedAt"))));
        assertEquals(with(s.chat(), "title", "Mixing notes", "updatedAt", renamed.get("updatedAt")), renamed);

        Response model = me.updateChat(s.id(), id, Map.of("modelId", "openai/gpt-5.4"));
        assertEquals(200, model.statusCode(), model.asString());
        Map<String, Object> changed = model.jsonPath().getMap("chat");
        assertEquals(with(renamed, "modelId", "openai/gpt-5.4", "updatedAt", changed.get("updatedAt")), changed);
        assertEquals(
                List.of(summary(changed, false, false)),
                me.chats(s.id()).jsonPath().getList("chats"));

        assertError(me.updateChat(s.id(), id, Map.of()), 400, "Provide a title or a modelId");
        assertError(me.updateChat(s.id(), id, Map.of("title", "")), 400, "title must be a non-empty string");
        assertError(me.updateChat(s.id(), id, Map.of("title", 3)), 400, "title must be a string");
        assertError(me.updateChat(s.id(), id, Map.of("name", "x")), 400, "Unknown field name");
        assertError(me.updateChat(s.id(), UUID.randomUUID().toString(), Map.of("title", "x")), 404, "Chat not found");
    }

    @Test
    void deleteRemovesAChatButNeverTheLast() {
        Created s = create(me);
        String first = (String) s.chat().get("id");
        assertError(me.deleteChat(s.id(), first), 400, "Cannot delete the only chat in a session");

        String second = me.createChat(s.id(), null).jsonPath().getString("chat.id");
        Response deleted = me.deleteChat(s.id(), first);
        assertEquals(200, deleted.statusCode(), deleted.asString());
        assertEquals(Map.of("success", true), deleted.jsonPath().getMap(""));
        assertError(me.chat(s.id(), first), 404, "Chat not found");
        assertError(me.deleteChat(s.id(), first), 404, "Chat not found");
        assertEquals(List.of(second), me.chats(s.id()).jsonPath().getList("chats.id"));
        assertError(me.deleteChat(s.id(), second), 400, "Cannot delete the only chat in a session");
        // the id stays taken: creating it again does not bring the chat back
        assertError(me.createChat(s.id(), Map.of("id", first)), 404, "Chat not found");
    }

    @Test
    void markReadAnswersSuccess() {
        Created s = create(me);
        Response r = me.markRead(s.id(), (String) s.chat().get("id"));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(Map.of("success", true), r.jsonPath().getMap(""));
        assertError(me.markRead(s.id(), UUID.randomUUID().toString()), 404, "Chat not found");
    }

    @Test
    void anotherAccountsSessionIsForbiddenAndAnUnknownOneNotFound() {
        Created s = create(me);
        String chat = (String) s.chat().get("id");
        RecoupClient stranger = CLIENTS.recoup().bearer(fullToken(t.tenant(), "mallory", UUID.randomUUID(), List.of()));
        String forbidden = "not authorized to access session '" + s.id() + "'";
        assertError(stranger.chats(s.id()), 403, forbidden);
        assertError(stranger.createChat(s.id(), null), 403, forbidden);
        assertError(stranger.chat(s.id(), chat), 403, forbidden);
        assertError(stranger.updateChat(s.id(), chat, Map.of("title", "x")), 403, forbidden);
        assertError(stranger.deleteChat(s.id(), chat), 403, forbidden);
        assertError(stranger.markRead(s.id(), chat), 403, forbidden);

        String unknown = "session_" + UUID.randomUUID().toString().replace("-", "");
        assertError(me.chats(unknown), 404, "session '" + unknown + "' not found");
        assertError(me.chat(unknown, chat), 404, "session '" + unknown + "' not found");

        assertEquals(200, me.delete(s.id()).statusCode());
        String gone = "session '" + s.id() + "' not found";
        assertError(me.chats(s.id()), 404, gone);
        assertError(me.createChat(s.id(), null), 404, gone);
        assertError(me.chat(s.id(), chat), 404, gone);

        Response none = CLIENTS.recoup().chats(s.id());
        assertEquals(401, none.statusCode(), none.asString());
    }
}
