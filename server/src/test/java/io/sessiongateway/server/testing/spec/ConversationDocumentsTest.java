package io.sessiongateway.server.testing.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sessiongateway.server.testing.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation documents (issue #13) describe what their adapters will send: typical answers of each dialect, a
 * whole stream included, validate against them once their operations are served. The documents are copied without
 * their {@code x-gateway-served: false} marks, as the adapters' sessions will leave them.
 */
class ConversationDocumentsTest {
    private static final String SESSION_TF = "01arz3ndektsv4rrffq69g5fav.g";
    private static final String TURN = "turn_0193a1b2c3d47000800000000000000a";
    private static final String ER_SESSION = "session_0193a1b2c3d47000800000000000000b";
    private static final String TS = "2026-12-05T06:00:00.000Z";

    @TempDir
    static Path dir;

    private static SpecValidator validator;

    @BeforeAll
    static void servedCopy() throws IOException {
        try (Stream<Path> files = Files.walk(SpecCatalog.SPECS)) {
            for (Path file : files.toList()) {
                Path target = dir.resolve(SpecCatalog.SPECS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(file).replace("      x-gateway-served: false\n", ""));
                }
            }
        }
        SpecCatalog catalog = SpecCatalog.load(dir);
        assertEquals(List.of(), catalog.pending());
        validator = SpecValidator.of(catalog);
    }

    @Test
    void aTrueFoundryTurnStream() {
        String user = "{\"type\":\"user.message\",\"content\":\"hi\"}";
        String subject = "{\"subject_id\":\"alice\",\"subject_type\":\"user\",\"subject_slug\":\"alice\"}";
        String body = frame(
                        "1",
                        "turn.created",
                        "{\"type\":\"turn.created\",\"id\":\"e1\",\"turn_id\":\"" + TURN
                                + "\",\"previous_turn_id\":null,\"input\":[" + user
                                + "],\"state\":{\"status\":\"running\"},"
                                + "\"created_by\":" + subject + ",\"created_at\":\"" + TS + "\",\"thread_id\":\"" + TURN
                                + "\"}")
                + frame(
                        "2",
                        null,
                        "{\"type\":\"model.message.delta\",\"id\":\"e2\",\"thread_id\":\"" + TURN
                                + "\",\"content\":\"hi\",\"created_at\":\"" + TS + "\"}")
                + frame(
                        "3",
                        null,
                        "{\"type\":\"model.message\",\"id\":\"e3\",\"thread_id\":\"" + TURN
                                + "\",\"content\":\"hi\",\"finish_reason\":\"stop\",\"created_at\":\"" + TS + "\"}")
                + frame(
                        "4",
                        "turn.done",
                        "{\"type\":\"turn.done\",\"id\":\"e4\",\"state\":{\"status\":\"done\","
                                + "\"output\":null,\"required_actions\":[],\"completed_at\":\"" + TS
                                + "\"},\"created_at\":\""
                                + TS + "\"}")
                + frame(
                        "5",
                        "turn.done",
                        "{\"type\":\"turn.done\",\"id\":\"e5\",\"state\":{\"status\":\"cancelled\","
                                + "\"reason\":\"client-cancelled\",\"completed_at\":\"" + TS + "\"},\"created_at\":\""
                                + TS
                                + "\"}");
        assertEquals(
                List.of(),
                validator.validate(
                        "POST", "/acme/v1/agents/sessions/" + SESSION_TF + "/turns", 200, "text/event-stream", body));
        assertEquals(
                List.of(),
                validator.validate(
                        "POST",
                        "/acme/v1/agents/sessions/" + SESSION_TF + "/turns/" + TURN + "/subscribe",
                        200,
                        "text/event-stream",
                        body));
        List<String> wrong = validator.validate(
                "POST",
                "/acme/v1/agents/sessions/" + SESSION_TF + "/turns",
                200,
                "text/event-stream",
                frame("x", null, "{\"type\":\"model.message.delta\",\"id\":\"e2\"}"));
        assertFalse(wrong.isEmpty());
        String turn = "{\"id\":\"" + TURN + "\",\"session_id\":\"" + SESSION_TF + "\",\"previous_turn_id\":null,"
                + "\"input\":[" + user + "],\"state\":{\"status\":\"error\",\"message\":\"boom\",\"completed_at\":\""
                + TS + "\"},\"created_by_subject\":" + subject + ",\"created_at\":\"" + TS + "\"}";
        assertEquals(
                List.of(),
                validator.validate(
                        "GET",
                        "/acme/v1/agents/sessions/" + SESSION_TF + "/turns",
                        200,
                        "application/json",
                        "{\"data\":[" + turn + "],\"pagination\":{\"limit\":10}}"));
        assertEquals(
                List.of(),
                validator.validate(
                        "GET",
                        "/acme/v1/agents/sessions/" + SESSION_TF + "/events",
                        200,
                        "application/json",
                        "{\"data\":[{\"turn_id\":\"" + TURN + "\",\"event\":{\"type\":\"tool.response\",\"id\":\"e9\","
                                + "\"thread_id\":\"" + TURN + "\",\"tool_call_id\":\"c1\",\"content\":\"42\","
                                + "\"created_at\":\"" + TS + "\"}}],\"pagination\":{\"limit\":100,"
                                + "\"next_page_token\":\"t\"}}"));
    }

    @Test
    void anEverrunsSseStreamAndItsLists() {
        String message = "{\"id\":\"message_0193a1b2c3d47000800000000000000c\",\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"hi\"}],\"created_at\":\"" + TS + "\"}";
        String context = "{\"turn_id\":\"" + TURN + "\",\"input_message_id\":null}";
        String body = frame(null, "connected", "{}")
                + frame(
                        "event_0193a1b2c3d47000800000000000000d",
                        "input.message",
                        event("d", "input.message", "{\"message\":" + message + "}", context))
                + frame(
                        "event_0193a1b2c3d47000800000000000000e",
                        "output.message.delta",
                        event(
                                "e",
                                "output.message.delta",
                                "{\"turn_id\":\"" + TURN + "\",\"delta\":\"h\",\"accumulated\":\"h\"}",
                                context))
                + frame(
                        "event_0193a1b2c3d47000800000000000000f",
                        "turn.completed",
                        event("f", "turn.completed", "{\"turn_id\":\"" + TURN + "\",\"iterations\":1}", context))
                + ": heartbeat\n\n"
                + frame(null, "disconnecting", "{\"reason\":\"connection_cycle\",\"retry_ms\":100}");
        assertEquals(
                List.of(),
                validator.validate("GET", "/v1/sessions/" + ER_SESSION + "/sse", 200, "text/event-stream", body));
        assertFalse(validator
                .validate(
                        "GET",
                        "/v1/sessions/" + ER_SESSION + "/sse",
                        200,
                        "text/event-stream",
                        frame(
                                "event_0193a1b2c3d47000800000000000000f",
                                "turn.completed",
                                event("f", "turn.completed", "{\"turn_id\":\"" + TURN + "\"}", context)))
                .isEmpty());
        assertEquals(
                List.of(),
                validator.validate(
                        "GET",
                        "/v1/sessions/" + ER_SESSION + "/messages",
                        200,
                        "application/json",
                        "{\"data\":["
                                + message.replace(
                                        "\"role\"", "\"session_id\":\"" + ER_SESSION + "\",\"sequence\":1,\"role\"")
                                + "]}"));
        // the created message is answered as listed (everruns-sdk 0.1.2 requires session_id and sequence)
        assertEquals(
                List.of(),
                validator.validate(
                        "POST",
                        "/v1/sessions/" + ER_SESSION + "/messages",
                        201,
                        "application/json",
                        message.replace("\"role\"", "\"session_id\":\"" + ER_SESSION + "\",\"sequence\":1,\"role\"")));
    }

    @Test
    void aRecoupUiMessageStream() {
        String body = frame(null, null, "{\"type\":\"start\",\"messageId\":\"m1\"}")
                + frame(null, null, "{\"type\":\"start-step\"}")
                + frame(null, null, "{\"type\":\"text-start\",\"id\":\"t1\"}")
                + frame(null, null, "{\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":\"hi\"}")
                + frame(null, null, "{\"type\":\"text-end\",\"id\":\"t1\"}")
                + frame(
                        null,
                        null,
                        "{\"type\":\"tool-input-available\",\"toolCallId\":\"c1\",\"toolName\":\"x\","
                                + "\"input\":{}}")
                + frame(null, null, "{\"type\":\"finish-step\"}")
                + frame(null, null, "{\"type\":\"finish\"}")
                + frame(null, null, "[DONE]");
        assertEquals(List.of(), validator.validate("POST", "/api/chat", 200, "text/event-stream", body));
        assertEquals(List.of(), validator.validate("GET", "/api/chat/c1/stream", 200, "text/event-stream", body));
        assertFalse(validator
                .validate(
                        "POST",
                        "/api/chat",
                        200,
                        "text/event-stream",
                        frame(null, null, "{\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":\"hi\",\"x\":1}"))
                .isEmpty());
        assertEquals(
                List.of(),
                validator.validate(
                        "GET",
                        "/api/sessions/s1/chats/c1",
                        200,
                        "application/json",
                        "{\"chat\":{\"id\":\"c1\",\"sessionId\":\"s1\",\"title\":\"New chat\",\"modelId\":\"m\","
                                + "\"activeStreamId\":null,\"createdAt\":\"" + TS + "\",\"updatedAt\":\"" + TS
                                + "\"},\"isStreaming\":false,\"messages\":[{\"id\":\"u1\",\"role\":\"user\","
                                + "\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"));
    }

    @Test
    void agentcloudMessages() {
        String id = "66a1f0c2e4b0a1b2c3d4e5f7";
        assertEquals(
                List.of(),
                validator.validate(
                        "GET",
                        "/" + id + "/session/" + id + "/messages.json",
                        200,
                        "application/json",
                        "[{\"_id\":\"" + id + "\",\"orgId\":\"" + id + "\",\"teamId\":\"" + id + "\",\"sessionId\":\""
                                + id + "\",\"chunkId\":\"k1\",\"message\":{\"room\":\"_" + id + "\",\"authorName\":"
                                + "\"alice\",\"event\":\"message\",\"incoming\":true,\"ts\":1,\"message\":{\"type\":"
                                + "\"text\",\"text\":\"hi\",\"chunkId\":\"k1\"}},\"ts\":1,\"authorId\":null,"
                                + "\"authorName\":\"alice\",\"isFeedback\":false,\"displayType\":\"bubble\"}]"));
        assertEquals(
                List.of(),
                validator.validate(
                        "POST",
                        "/" + id + "/session/" + id + "/send-message",
                        200,
                        "application/json",
                        "{\"message\":\"Message sent successfully\"}"));
    }

    private static String event(String last, String type, String data, String context) {
        return "{\"id\":\"event_0193a1b2c3d47000800000000000000" + last + "\",\"type\":\"" + type + "\",\"ts\":\""
                + TS + "\",\"session_id\":\"" + ER_SESSION + "\",\"sequence\":1,\"context\":" + context
                + ",\"data\":" + data + "}";
    }

    private static String frame(String id, String event, String data) {
        return (id == null ? "" : "id: " + id + "\n") + (event == null ? "" : "event: " + event + "\n") + "data: "
                + data + "\n\n";
    }
}
