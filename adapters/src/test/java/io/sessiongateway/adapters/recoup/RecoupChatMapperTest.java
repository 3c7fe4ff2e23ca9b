package io.sessiongateway.adapters.recoup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.GatewayException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Recoup's chat bodies and UI messages, from and to the canonical model. */
class RecoupChatMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    static Message message(Role role, Part... parts) {
        UUID id = UUID.randomUUID();
        return new Message(id, UUID.randomUUID(), null, null, 1, role, List.of(parts), "0".repeat(24), Instant.EPOCH);
    }

    @Test
    void messagesAreUiMessagesAndToolResultsMoveTheirCallsState() throws Exception {
        Message user = message(Role.USER, new Part.Text("hi"), new Part.Image("https://x/y.png", "image/png"));
        Message call = message(Role.AGENT, new Part.ToolCall("c1", "get_weather", tree("{\"city\":\"Paris\"}")));
        Message result = message(Role.TOOL, new Part.ToolResult("c1", "sunny", false));
        Message answer = message(Role.AGENT, new Part.Text("It is sunny."));
        assertEquals(
                tree("[{\"id\":\"" + user.id() + "\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"},"
                        + "{\"type\":\"file\",\"mediaType\":\"image/png\",\"url\":\"https://x/y.png\"}]},"
                        + "{\"id\":\"" + call.id()
                        + "\",\"role\":\"assistant\",\"parts\":[{\"type\":\"tool-get_weather\","
                        + "\"toolCallId\":\"c1\",\"state\":\"output-available\",\"input\":{\"city\":\"Paris\"},"
                        + "\"output\":\"sunny\"}]},"
                        + "{\"id\":\"" + answer.id() + "\",\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"text\":\"It is sunny.\"}]}]"),
                RecoupChatMapper.uiMessages(List.of(user, call, result, answer)));
    }

    @Test
    void aSendTakesTheLastMessageAsTheUsers() throws Exception {
        var send = RecoupChatMapper.send(tree("{\"sessionId\":\"s\",\"chatId\":\"c\",\"messages\":["
                + "{\"id\":\"1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"old\"}]},"
                + "{\"id\":\"2\",\"role\":\"assistant\",\"parts\":[]},"
                + "{\"id\":\"3\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"new\"},"
                + "{\"type\":\"reasoning\",\"text\":\"ignored\"}]}]}"));
        assertEquals("s", send.sessionId());
        assertEquals("c", send.chatId());
        assertEquals(List.of(new Part.Text("new")), send.message().content());
        assertEquals(Role.USER, send.message().role());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"chatId\":\"c\",\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"x\"}]}]}|sessionId is required",
                "{\"sessionId\":\"s\",\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"x\"}]}]}|chatId is required",
                "{\"sessionId\":\"s\",\"chatId\":\"c\",\"messages\":[]}|messages must be a non-empty array",
                "{\"sessionId\":\"s\",\"chatId\":\"c\",\"messages\":[{\"id\":\"1\",\"role\":\"robot\",\"parts\":[]}]}|each message needs an id, a role and parts",
                "{\"sessionId\":\"s\",\"chatId\":\"c\",\"messages\":[{\"id\":\"1\",\"role\":\"assistant\",\"parts\":[]}]}|the last message must be the user's",
                "{\"sessionId\":\"s\",\"chatId\":\"c\",\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"parts\":[]}]}|the last message has no text or file part",
                "{\"sessionId\":\"s\",\"chatId\":\"c\",\"contextLimit\":0,\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"x\"}]}]}|contextLimit must be a positive integer",
            })
    void badSendsAre400(String body, String message) throws Exception {
        GatewayException e = assertThrows(GatewayException.class, () -> RecoupChatMapper.send(tree(body)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aCreatedChatsIdIsAUuidOrFresh() throws Exception {
        assertNull(RecoupChatMapper.createChatId(null));
        assertNull(RecoupChatMapper.createChatId(tree("{}")));
        UUID id = UUID.randomUUID();
        assertEquals(id, RecoupChatMapper.createChatId(tree("{\"id\":\"" + id + "\"}")));
        assertEquals(
                "Invalid chat id",
                assertThrows(GatewayException.class, () -> RecoupChatMapper.createChatId(tree("{\"id\":\"x\"}")))
                        .getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"title\":\"\"}", "{\"title\":1}", "{\"name\":\"x\"}", "{\"modelId\":null}"})
    void aPatchNeedsANonEmptyTitleOrModel(String body) {
        assertThrows(GatewayException.class, () -> RecoupChatMapper.patch(tree(body)));
    }

    @Test
    void aPatchReadsItsFields() throws Exception {
        assertEquals(new RecoupChatMapper.ChatPatch("t", null), RecoupChatMapper.patch(tree("{\"title\":\"t\"}")));
        assertEquals(
                new RecoupChatMapper.ChatPatch("t", "m"),
                RecoupChatMapper.patch(tree("{\"title\":\"t\",\"modelId\":\"m\"}")));
    }
}
