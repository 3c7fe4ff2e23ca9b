package io.sessiongateway.adapters.truefoundry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.SubjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrueFoundryTurnMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final UUID SESSION = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    static final UUID TURN = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c");
    static final UUID PREVIOUS = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d");
    static final UUID EVENT = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e");
    static final Instant T0 = Instant.parse("2026-12-05T10:00:00.123Z");
    static final Instant T1 = Instant.parse("2026-12-05T10:00:01.456Z");
    static final SubjectRef ALICE = new SubjectRef("user", "alice", null);

    static Turn turn(TurnStatus status, CancelReason reason, String error) {
        return new Turn(
                TURN,
                SESSION,
                2,
                null,
                PREVIOUS,
                status,
                reason,
                error,
                null,
                "echo",
                T0,
                null,
                status.isFinished() ? T1 : null,
                null,
                null,
                0,
                0);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Event event(EventType type, long seq, JsonNode payload) {
        return new Event(SESSION, seq, EVENT, type, TURN, null, payload, T1);
    }

    /** The agent message a turn streams: its deltas and its model.message carry this id. */
    static final UUID MESSAGE = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a99");

    static ObjectNode messagePayload(Role role, List<Part> parts) {
        Message m = new Message(MESSAGE, SESSION, TURN, null, 5, role, parts, "a".repeat(24), T0);
        ObjectNode p = JSON.createObjectNode();
        p.set("message", ConversationJson.message(m));
        return p;
    }

    @Test
    void turnIdsAreTurnAnd32Hex() {
        assertEquals("turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c", TrueFoundryTurnMapper.turnId(TURN));
        assertEquals(Optional.of(TURN), TrueFoundryTurnMapper.parseTurnId("turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "turn_",
                "turn_XYZ",
                "0190a1b2c3d47e5f8a9b0c1d2e3f4a5c",
                "session_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c"
            })
    void otherStringsNameNoTurn(String id) {
        assertEquals(Optional.empty(), TrueFoundryTurnMapper.parseTurnId(id));
    }

    @Test
    void aUserMessageOfTextStartsATurnThatContinuesTheLastByDefault() {
        TrueFoundryTurnMapper.NewTurn t =
                TrueFoundryTurnMapper.newTurn(json("{\"input\":[{\"type\":\"user.message\",\"content\":\"Hello\"}]}"));
        assertEquals(List.of(new Part.Text("Hello")), t.parts());
        assertEquals("auto", t.previous());
        assertTrue(t.stream());
        // the vendor's SDK sends stream: true or false on its two create methods
        assertEquals(
                false,
                TrueFoundryTurnMapper.newTurn(
                        json("{\"input\":[{\"type\":\"user.message\",\"content\":\"Hi\"}],\"stream\":false}"))
                        .stream());
    }

    @Test
    void partsFilesAndToolResponsesAreKept() {
        TrueFoundryTurnMapper.NewTurn t =
                TrueFoundryTurnMapper.newTurn(json("{\"previous_turn_id\":\"none\",\"input\":["
                        + "{\"type\":\"user.tool_response\",\"thread_id\":\"t\",\"tool_call_id\":\"c1\",\"content\":\"42\"},"
                        + "{\"type\":\"user.message\",\"content\":[{\"type\":\"text\",\"text\":\"see\"},"
                        + "{\"type\":\"file\",\"name\":\"a.png\",\"data\":\"data:image/png;base64,AAAA\"}]}]}"));
        assertEquals(
                List.of(
                        new Part.ToolResult("c1", "42", false),
                        new Part.Text("see"),
                        new Part.Image("data:image/png;base64,AAAA", "image/png")),
                t.parts());
        assertEquals("none", t.previous());
        assertEquals(
                json("[{\"type\":\"user.tool_response\",\"thread_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c\","
                        + "\"tool_call_id\":\"c1\",\"content\":\"42\"},{\"type\":\"user.message\",\"content\":["
                        + "{\"type\":\"text\",\"text\":\"see\"},{\"type\":\"file\",\"name\":\"attachment\","
                        + "\"data\":\"data:image/png;base64,AAAA\"}]}]"),
                TrueFoundryTurnMapper.input(t.parts(), TURN));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "null",
                "[]",
                "{}",
                "{\"input\":[]}",
                "{\"input\":\"Hello\"}",
                "{\"input\":[{\"type\":\"user.message\"}]}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":[]}]}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":7}]}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":[{\"type\":\"file\",\"name\":\"a\",\"data\":\"x\"}]}]}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"},{\"type\":\"user.message\",\"content\":\"b\"}]}",
                "{\"input\":[{\"type\":\"user.tool_approval\",\"thread_id\":\"t\",\"tool_call_id\":\"c\",\"approval\":{}}]}",
                "{\"input\":[{\"type\":\"other\"}]}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"}],\"previous_turn_id\":\"\"}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"}],\"previous_turn_id\":5}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"}],\"stream\":\"yes\"}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"}],\"stream\":null}",
                "{\"input\":[{\"type\":\"user.message\",\"content\":\"a\"}],\"previous_turn_id\":null}"
            })
    void malformedBodiesAreInvalid(String body) {
        GatewayException e = assertThrows(GatewayException.class, () -> TrueFoundryTurnMapper.newTurn(json(body)));
        assertEquals(ErrorKind.INVALID_BODY, e.kind());
    }

    @Test
    void aUserMessageIsTheTurnsTurnCreated() {
        Event e = event(EventType.MESSAGE_CREATED, 5, messagePayload(Role.USER, List.of(new Part.Text("Hi"))));
        ObjectNode o = TrueFoundryTurnMapper.event(e, turn(TurnStatus.QUEUED, null, null), ALICE, null)
                .orElseThrow();
        assertEquals(
                json("{\"type\":\"turn.created\",\"id\":\"" + EVENT + "\","
                        + "\"turn_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c\","
                        + "\"previous_turn_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5d\","
                        + "\"input\":[{\"type\":\"user.message\",\"content\":\"Hi\"}],"
                        + "\"state\":{\"status\":\"running\"},"
                        + "\"created_by\":{\"subject_id\":\"alice\",\"subject_type\":\"user\",\"subject_slug\":\"alice\"},"
                        + "\"created_at\":\"2026-12-05T10:00:01.456Z\","
                        + "\"thread_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c\"}"),
                o);
    }

    @Test
    void deltasMessagesToolCallsAndResults() {
        Turn t = turn(TurnStatus.RUNNING, null, null);
        String thread = "turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c";
        assertEquals(
                json("{\"type\":\"model.message.delta\",\"id\":\"" + MESSAGE + "\",\"thread_id\":\"" + thread
                        + "\",\"content\":\"He\",\"created_at\":\"2026-12-05T10:00:01.456Z\"}"),
                TrueFoundryTurnMapper.event(
                                event(
                                        EventType.OUTPUT_TEXT_DELTA,
                                        6,
                                        json("{\"message_id\":\"" + MESSAGE + "\",\"delta\":\"He\"}")),
                                t,
                                ALICE,
                                null)
                        .orElseThrow());
        assertEquals(
                json("{\"type\":\"model.message\",\"id\":\"" + MESSAGE + "\",\"thread_id\":\"" + thread
                        + "\",\"content\":\"Hello\",\"finish_reason\":\"stop\","
                        + "\"created_at\":\"2026-12-05T10:00:01.456Z\"}"),
                TrueFoundryTurnMapper.event(
                                event(
                                        EventType.MESSAGE_CREATED,
                                        7,
                                        messagePayload(Role.AGENT, List.of(new Part.Text("Hello")))),
                                t,
                                ALICE,
                                null)
                        .orElseThrow());
        assertEquals(
                json("{\"type\":\"model.message\",\"id\":\"" + MESSAGE + "\",\"thread_id\":\"" + thread
                        + "\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                        + "\"tool_info\":{\"type\":\"truefoundry-system\",\"name\":\"get_weather\"}}],"
                        + "\"finish_reason\":\"tool_calls\",\"created_at\":\"2026-12-05T10:00:01.456Z\"}"),
                TrueFoundryTurnMapper.event(
                                event(
                                        EventType.TOOL_CALL,
                                        8,
                                        messagePayload(
                                                Role.AGENT,
                                                List.of(new Part.ToolCall(
                                                        "c1", "get_weather", json("{\"city\":\"Paris\"}"))))),
                                t,
                                ALICE,
                                null)
                        .orElseThrow());
        assertEquals(
                json("{\"type\":\"tool.response\",\"id\":\"" + EVENT + "\",\"thread_id\":\"" + thread
                        + "\",\"tool_call_id\":\"c1\",\"content\":\"sunny\","
                        + "\"created_at\":\"2026-12-05T10:00:01.456Z\"}"),
                TrueFoundryTurnMapper.event(
                                event(
                                        EventType.TOOL_RESULT,
                                        9,
                                        messagePayload(Role.TOOL, List.of(new Part.ToolResult("c1", "sunny", false)))),
                                t,
                                ALICE,
                                null)
                        .orElseThrow());
    }

    @Test
    void queueClaimAndSessionEventsHaveNoTrueFoundryForm() {
        Turn t = turn(TurnStatus.RUNNING, null, null);
        for (EventType type : List.of(
                EventType.TURN_QUEUED,
                EventType.TURN_STARTED,
                EventType.SESSION_STATUS_CHANGED,
                EventType.SESSION_UPDATED,
                EventType.SESSION_DELETED)) {
            assertEquals(
                    Optional.empty(),
                    TrueFoundryTurnMapper.event(event(type, 3, JSON.createObjectNode()), t, ALICE, null),
                    type.value());
        }
        assertEquals(
                Optional.empty(),
                TrueFoundryTurnMapper.event(
                        event(EventType.MESSAGE_CREATED, 3, messagePayload(Role.SYSTEM, List.of(new Part.Text("x")))),
                        t,
                        ALICE,
                        null));
    }

    @Test
    void theTurnsEndIsTurnDoneWithItsState() {
        Turn running = turn(TurnStatus.RUNNING, null, null);
        ObjectNode output = JSON.createObjectNode().put("type", "model.message");
        JsonNode done = TrueFoundryTurnMapper.event(
                        event(
                                EventType.TURN_DONE,
                                10,
                                json("{\"turn\":{\"status\":\"done\",\"finished_at\":\"2026-12-05T10:00:02.000Z\"}}")),
                        running,
                        ALICE,
                        output)
                .orElseThrow();
        assertEquals(
                json("{\"type\":\"turn.done\",\"id\":\"" + EVENT + "\",\"state\":{\"status\":\"done\",\"output\":"
                        + "{\"type\":\"model.message\"},\"required_actions\":[],"
                        + "\"completed_at\":\"2026-12-05T10:00:02.000Z\"},"
                        + "\"created_at\":\"2026-12-05T10:00:01.456Z\","
                        + "\"thread_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c\"}"),
                done);
        JsonNode cancelled = TrueFoundryTurnMapper.event(
                        event(
                                EventType.TURN_CANCELLED,
                                10,
                                json(
                                        "{\"turn\":{\"status\":\"cancelled\",\"cancel_reason\":\"cancelled-for-next-turn\","
                                                + "\"finished_at\":\"2026-12-05T10:00:02.000Z\"}}")),
                        running,
                        ALICE,
                        null)
                .orElseThrow();
        assertEquals(
                json("{\"status\":\"cancelled\",\"reason\":\"cancelled-for-next-turn\","
                        + "\"completed_at\":\"2026-12-05T10:00:02.000Z\"}"),
                cancelled.get("state"));
        JsonNode failed = TrueFoundryTurnMapper.event(
                        event(
                                EventType.TURN_FAILED,
                                10,
                                json("{\"turn\":{\"status\":\"error\",\"error\":\"boom\","
                                        + "\"finished_at\":\"2026-12-05T10:00:02.000Z\"}}")),
                        running,
                        ALICE,
                        null)
                .orElseThrow();
        assertEquals(
                json("{\"status\":\"error\",\"message\":\"boom\",\"completed_at\":\"2026-12-05T10:00:02.000Z\"}"),
                failed.get("state"));
    }

    @Test
    void aTurnShowsItsInputStateAndCreator() {
        Message input = new Message(
                UUID.randomUUID(), SESSION, TURN, null, 5, Role.USER, List.of(new Part.Text("Hi")), "a".repeat(24), T0);
        ObjectNode t = TrueFoundryTurnMapper.turn(
                turn(TurnStatus.QUEUED, null, null), "session_x", input, null, new SubjectRef("user", "bob", "Bob"));
        assertEquals(
                json("{\"id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5c\",\"session_id\":\"session_x\","
                        + "\"previous_turn_id\":\"turn_0190a1b2c3d47e5f8a9b0c1d2e3f4a5d\","
                        + "\"input\":[{\"type\":\"user.message\",\"content\":\"Hi\"}],"
                        + "\"state\":{\"status\":\"running\"},"
                        + "\"created_by_subject\":{\"subject_id\":\"bob\",\"subject_type\":\"user\",\"subject_slug\":\"Bob\"},"
                        + "\"created_at\":\"2026-12-05T10:00:00.123Z\"}"),
                t);
        assertEquals(
                json("{\"status\":\"done\",\"output\":null,\"required_actions\":[],"
                        + "\"completed_at\":\"2026-12-05T10:00:01.456Z\"}"),
                TrueFoundryTurnMapper.state(turn(TurnStatus.DONE, null, null), null));
        assertTrue(TrueFoundryTurnMapper.state(turn(TurnStatus.CANCELLED, CancelReason.CLIENT_CANCELLED, null), null)
                .path("reason")
                .asText()
                .equals("client-cancelled"));
    }
}
