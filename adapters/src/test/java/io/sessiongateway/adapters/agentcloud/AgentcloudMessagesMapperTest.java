package io.sessiongateway.adapters.agentcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure mappings of Agentcloud's chat: {@code messages.json}, {@code ?messageId=} and send-message's body. */
class AgentcloudMessagesMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Session SESSION = AgentcloudMapperTest.session("65f0c0ffee0123456789abcd", null);
    static final Instant AT = Instant.parse("2026-12-05T09:30:00.250Z");
    static final UUID MESSAGE = UUID.fromString("01933b5a-0000-7000-8000-0000000000aa");

    static Message message(Role role, Part... parts) {
        return new Message(
                MESSAGE,
                SESSION.id(),
                UUID.randomUUID(),
                null,
                7,
                role,
                Arrays.asList(parts),
                "65f0c0ffee01234567890007",
                AT);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void invalid(String message, String param, Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        assertTrue(
                e.kind() == ErrorKind.INVALID_ARGUMENT || e.kind() == ErrorKind.INVALID_BODY,
                e.kind().name());
        assertEquals(message, e.getMessage());
        assertEquals(param, e.param());
    }

    @Test
    void aUsersMessageIsTheVendorsStoredChatMessageWithItsSocketPayload() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("type", "text");
        inner.put("text", "hello");
        inner.put("chunkId", MESSAGE.toString());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", "_65f0c0ffee0123456789abcd");
        payload.put("authorName", "External API");
        payload.put("message", inner);
        payload.put("event", "message");
        payload.put("incoming", true);
        payload.put("ts", AT.toEpochMilli());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("_id", "65f0c0ffee01234567890007");
        expected.put("orgId", "65f0c0ffee0123456789ab01");
        expected.put("teamId", "65f0c0ffee0123456789ab02");
        expected.put("sessionId", "65f0c0ffee0123456789abcd");
        expected.put("chunkId", MESSAGE.toString());
        expected.put("message", payload);
        expected.put("ts", AT.toEpochMilli());
        expected.put("authorId", null);
        expected.put("authorName", "External API");
        expected.put("isFeedback", false);
        expected.put("displayType", "bubble");
        expected.put("tokens", 0);
        expected.put("chunks", List.of(Map.of("ts", AT.toEpochMilli(), "chunk", "hello", "tokens", 0)));

        Map<String, Object> actual = AgentcloudMapper.chatMessage(SESSION, message(Role.USER, new Part.Text("hello")));
        assertEquals(expected, actual);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "the vendor's property order");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void onlyTheUsersMessagesAreIncomingAndEachRoleHasItsAuthor(Role role) {
        Map<String, Object> chat = AgentcloudMapper.chatMessage(SESSION, message(role, new Part.Text("x")));
        Map<?, ?> payload = (Map<?, ?>) chat.get("message");
        assertEquals(role == Role.USER, payload.get("incoming"));
        String author = switch (role) {
            case USER -> "External API";
            case AGENT, TOOL -> "helper";
            case SYSTEM -> "System";
        };
        assertEquals(author, chat.get("authorName"));
        assertEquals(author, payload.get("authorName"));
    }

    @Test
    void partsBecomeOneTextAndToolUseShowsInline() {
        assertEquals("Hello, world", AgentcloudMapper.text(List.of(new Part.Text("Hello, "), new Part.Text("world"))));
        assertEquals(
                "look:\n![image](https://x.test/a.png)",
                AgentcloudMapper.text(
                        List.of(new Part.Text("look:"), new Part.Image("https://x.test/a.png", "image/png"))));
        assertEquals(
                "get_weather({\"city\":\"Paris\"})",
                AgentcloudMapper.text(List.of(new Part.ToolCall("c1", "get_weather", json("{\"city\":\"Paris\"}")))));
        assertEquals("sunny", AgentcloudMapper.text(List.of(new Part.ToolResult("c1", "sunny", false))));
        assertEquals("", AgentcloudMapper.text(List.of()));

        assertFalse(AgentcloudMapper.inline(List.of(new Part.Text("a"), new Part.Image("u", null))));
        assertTrue(AgentcloudMapper.inline(List.of(new Part.ToolCall("c1", "f", json("{}")))));
        assertTrue(AgentcloudMapper.inline(List.of(new Part.ToolResult("c1", "out", true))));
        assertEquals(
                "inline",
                AgentcloudMapper.chatMessage(SESSION, message(Role.TOOL, new Part.ToolResult("c1", "out", false)))
                        .get("displayType"));
    }

    @Test
    void messagesKeepTheirOrder() {
        Message a = message(Role.USER, new Part.Text("a"));
        Message b = message(Role.AGENT, new Part.Text("b"));
        assertEquals(
                List.of(AgentcloudMapper.chatMessage(SESSION, a), AgentcloudMapper.chatMessage(SESSION, b)),
                AgentcloudMapper.chatMessages(SESSION, List.of(a, b)));
    }

    @Test
    void messageIdIsAbsentOrOneObjectId() {
        assertNull(AgentcloudMapper.messageId(null));
        assertNull(AgentcloudMapper.messageId(List.of()));
        assertEquals("65f0c0ffee01234567890007", AgentcloudMapper.messageId(List.of("65f0c0ffee01234567890007")));
        invalid("Message ID is not of the right length", "messageId", () -> AgentcloudMapper.messageId(List.of("")));
        invalid("Message ID is not of the right length", "messageId", () -> AgentcloudMapper.messageId(List.of("abc")));
        invalid(
                "Message ID must be an ObjectId: 24 lowercase hex digits",
                "messageId",
                () -> AgentcloudMapper.messageId(List.of("65F0C0FFEE01234567890007")));
        invalid(
                "Message ID must be given once",
                "messageId",
                () -> AgentcloudMapper.messageId(List.of("65f0c0ffee01234567890007", "65f0c0ffee01234567890008")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"messageText\":null}", "{\"messageText\":\"\"}"})
    void anAbsentNullOrEmptyMessageTextIsEmpty(String body) {
        invalid("Message Text is empty", "messageText", () -> AgentcloudMapper.messageText(json(body)));
    }

    @Test
    void messageTextIsAStringTakenAsSent() {
        assertEquals("  hi  ", AgentcloudMapper.messageText(json("{\"messageText\":\"  hi  \"}")));
        invalid(
                "Message Text is an invalid type, should be \"string\"",
                "messageText",
                () -> AgentcloudMapper.messageText(json("{\"messageText\":5}")));
        invalid("Message Text is empty", "messageText", () -> AgentcloudMapper.messageText(null));
    }

    @Test
    void terminatedIsTheInactiveSession() {
        for (SessionStatus s : SessionStatus.values()) {
            assertEquals(
                    AgentcloudStatus.of(s, false).equals("terminated"), AgentcloudStatus.isTerminated(s), s.name());
        }
    }
}
