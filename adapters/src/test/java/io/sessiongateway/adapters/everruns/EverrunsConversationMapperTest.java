package io.sessiongateway.adapters.everruns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EverrunsConversationMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");
    static final UUID SESSION = UUID.fromString("01933b5a-0000-7000-8000-000000000001");
    static final UUID TURN = UUID.fromString("01933b5a-0000-7000-8000-000000000002");
    static final UUID INPUT = UUID.fromString("01933b5a-0000-7000-8000-000000000003");
    static final UUID OPEN = UUID.fromString("01933b5a-0000-7000-8000-000000000004");

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aUserMessageOfTextAndImages() {
        NewMessage m = EverrunsConversationMapper.newMessage(json("""
                {"message":{"role":"user","content":[{"type":"text","text":"hi"},
                 {"type":"image","url":"https://x/y.png","media_type":null},
                 {"type":"image","base64":"AAA=","media_type":"image/png"}]},
                 "controls":{"model_id":null},"tags":["a"],"metadata":null}
                """));
        assertEquals(Role.USER, m.role());
        assertEquals(
                List.of(
                        new Part.Text("hi"),
                        new Part.Image("https://x/y.png", null),
                        new Part.Image("data:image/png;base64,AAA=", "image/png")),
                m.content());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"message\":[]}",
                "{\"message\":{\"content\":[]}}",
                "{\"message\":{\"role\":\"agent\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}}",
                "{\"message\":{\"content\":[{\"type\":\"image_file\",\"image_id\":\"img_1\"}]}}",
                "{\"message\":{\"content\":[{\"type\":\"tool_call\",\"id\":\"c\",\"name\":\"n\",\"arguments\":{}}]}}",
                "{\"message\":{\"content\":[{\"type\":\"text\"}]}}",
                "{\"message\":{\"content\":[{\"type\":\"image\",\"base64\":\"AAA=\"}]}}",
                "{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]},\"tags\":[1]}",
                "{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]},\"controls\":{\"locale\":1}}",
                "{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]},\"external_actor\":{\"actor_id\":\"a\"}}"
            })
    void badBodiesAreInvalid(String body) {
        assertThrows(GatewayException.class, () -> EverrunsConversationMapper.newMessage(json(body)));
    }

    @Test
    void contentPartsInTheVendorsShape() {
        var parts = EverrunsConversationMapper.content(List.of(
                new Part.Text("t"),
                new Part.Image("data:image/png;base64,AAA=", "image/png"),
                new Part.Image("https://x/y.png", null),
                new Part.ToolCall("c1", "get", json("{\"a\":1}")),
                new Part.ToolResult("c1", "ok", false),
                new Part.ToolResult("c1", "boom", true)));
        assertEquals(json("""
                        [{"type":"text","text":"t"},{"type":"image","base64":"AAA=","media_type":"image/png"},
                         {"type":"image","url":"https://x/y.png"},
                         {"type":"tool_call","id":"c1","name":"get","arguments":{"a":1}},
                         {"type":"tool_result","tool_call_id":"c1","result":"ok"},
                         {"type":"tool_result","tool_call_id":"c1","error":"boom"}]
                        """), parts);
        assertEquals("tool_result", EverrunsConversationMapper.role(Role.TOOL));
    }

    @Test
    void typesAreTheDeclaredOnesMinusExcluded() {
        assertEquals(
                Set.of("turn.started"),
                EverrunsConversationMapper.selectedTypes(
                        List.of("turn.started", "turn.failed"), List.of("turn.failed")));
        assertEquals(14, EverrunsConversationMapper.selectedTypes(null, null).size());
        assertThrows(
                GatewayException.class,
                () -> EverrunsConversationMapper.selectedTypes(List.of("reason.started"), null));
        assertThrows(
                GatewayException.class,
                () -> EverrunsConversationMapper.selectedTypes(Collections.nCopies(26, "turn.started"), null));
        var f = EverrunsConversationMapper.filter(List.of("session.idled", "session.started"), null, null, 9, 2, 5);
        assertEquals(Set.of(EventType.SESSION_STATUS_CHANGED), f.canonical());
        assertEquals(5, f.afterSeq());
        assertEquals(1000, f.limit());
        assertEquals(true, f.backward());
        assertThrows(GatewayException.class, () -> EverrunsConversationMapper.filter(null, null, 0, null, null, 0));
        assertThrows(GatewayException.class, () -> EverrunsConversationMapper.filter(null, null, 1001, null, null, 0));
        assertThrows(GatewayException.class, () -> EverrunsConversationMapper.filter(null, null, null, -1, null, 0));
        assertThrows(GatewayException.class, () -> EverrunsConversationMapper.sinceId("event_1"));
    }

    /** A log in memory, as the store would hold it. */
    static final class Log implements EverrunsConversationMapper.Lookup {
        final List<Event> events = new ArrayList<>();

        Event add(EventType type, UUID turn, ObjectNode payload) {
            Event e = new Event(SESSION, events.size() + 1, Ids.newId(), type, turn, null, payload, T);
            events.add(e);
            return e;
        }

        @Override
        public Optional<Event> at(long seq) {
            return events.stream().filter(e -> e.seq() == seq).findFirst();
        }

        @Override
        public List<Event> turnEvents(UUID turnId, EventType type, long beforeSeq) {
            return events.stream()
                    .filter(e -> turnId.equals(e.turnId()) && e.type() == type && e.seq() < beforeSeq)
                    .toList();
        }
    }

    static ObjectNode turnPayload(TurnStatus status) {
        Turn t = new Turn(
                TURN,
                SESSION,
                1,
                null,
                null,
                status,
                null,
                null,
                INPUT,
                "echo",
                T,
                T,
                T.plusMillis(5),
                null,
                null,
                1,
                0);
        ObjectNode p = JSON.createObjectNode();
        p.set("turn", ConversationJson.turn(t));
        return p;
    }

    static ObjectNode messagePayload(UUID id, Role role, long seq, Part part) {
        ObjectNode p = JSON.createObjectNode();
        p.set(
                "message",
                ConversationJson.message(
                        new Message(id, SESSION, TURN, null, seq, role, List.of(part), "0".repeat(24), T)));
        return p;
    }

    static ObjectNode status(String from, String to) {
        return JSON.createObjectNode().put("from", from).put("to", to);
    }

    static ObjectNode delta(String text) {
        return JSON.createObjectNode().put("message_id", OPEN.toString()).put("delta", text);
    }

    Log conversation() {
        Log log = new Log();
        log.add(EventType.MESSAGE_CREATED, TURN, messagePayload(INPUT, Role.USER, 1, new Part.Text("hello")));
        log.add(EventType.TURN_QUEUED, TURN, turnPayload(TurnStatus.QUEUED));
        log.add(EventType.SESSION_STATUS_CHANGED, null, status("created", "running"));
        log.add(EventType.TURN_STARTED, TURN, turnPayload(TurnStatus.RUNNING));
        log.add(EventType.OUTPUT_TEXT_DELTA, TURN, delta("hel"));
        log.add(EventType.OUTPUT_TEXT_DELTA, TURN, delta("lo"));
        log.add(
                EventType.TOOL_CALL,
                TURN,
                messagePayload(Ids.newId(), Role.AGENT, 7, new Part.ToolCall("c1", "get", json("{}"))));
        log.add(
                EventType.TOOL_RESULT,
                TURN,
                messagePayload(Ids.newId(), Role.TOOL, 8, new Part.ToolResult("c1", "sunny", false)));
        log.add(EventType.MESSAGE_CREATED, TURN, messagePayload(OPEN, Role.AGENT, 9, new Part.Text("hello")));
        log.add(EventType.TURN_DONE, TURN, turnPayload(TurnStatus.DONE));
        log.add(EventType.SESSION_STATUS_CHANGED, null, status("running", "waiting"));
        log.add(EventType.SESSION_UPDATED, null, JSON.createObjectNode());
        log.add(EventType.SESSION_STATUS_CHANGED, null, status("waiting", "archived"));
        return log;
    }

    @Test
    void theLogAsEverrunsShowsIt() {
        Log log = conversation();
        var renderer = new EverrunsConversationMapper.Renderer(log);
        List<JsonNode> shown = new ArrayList<>();
        for (Event e : log.events) {
            renderer.render(e).ifPresent(shown::add);
        }
        assertEquals(
                List.of(
                        "input.message",
                        "session.activated",
                        "turn.started",
                        "output.message.delta",
                        "output.message.delta",
                        "tool.started",
                        "tool.completed",
                        "output.message.completed",
                        "turn.completed",
                        "session.idled"),
                shown.stream().map(e -> e.get("type").asText()).toList());
        String turn = Ids.prefixed("turn", TURN);
        String input = Ids.prefixed("message", INPUT);
        assertEquals(
                json("{\"turn_id\":\"" + turn + "\",\"input_message_id\":\"" + input + "\"}"),
                shown.get(1).get("data"));
        assertEquals(
                json("{\"turn_id\":\"" + turn + "\",\"delta\":\"lo\",\"accumulated\":\"hello\"}"),
                shown.get(4).get("data"));
        assertEquals(
                json("{\"tool_call_id\":\"c1\",\"tool_name\":\"get\",\"success\":true,\"status\":\"success\","
                        + "\"result\":[{\"type\":\"text\",\"text\":\"sunny\"}]}"),
                shown.get(6).get("data"));
        assertEquals(
                json("{\"turn_id\":\"" + turn + "\",\"iterations\":1,\"duration_ms\":5}")
                        .toString(),
                shown.get(8).get("data").toString());
        assertEquals(json("{\"turn_id\":\"" + turn + "\"}"), shown.get(9).get("data"));
        assertEquals(5, shown.get(3).get("sequence").asInt(), "the canonical seq");
        assertEquals(
                Ids.prefixed("event", log.events.get(0).id()),
                shown.get(0).get("id").asText());
    }

    @Test
    void aRenderingThatStartsMidwayReadsWhatItNeeds() {
        Log log = conversation();
        var renderer = new EverrunsConversationMapper.Renderer(log);
        // the second delta alone: its accumulated text includes the first; a status move alone finds its cause
        assertEquals(
                "hello",
                renderer.render(log.events.get(5))
                        .orElseThrow()
                        .get("data")
                        .get("accumulated")
                        .asText());
        assertEquals(
                "session.idled",
                renderer.render(log.events.get(10)).orElseThrow().get("type").asText());
        assertEquals(
                "get",
                renderer.render(log.events.get(7))
                        .orElseThrow()
                        .get("data")
                        .get("tool_name")
                        .asText());
        assertEquals(Optional.empty(), renderer.render(log.events.get(12)), "a move no turn caused shows nothing");
        assertEquals(Optional.empty(), renderer.type(log.events.get(1)), "turn.queued shows nothing");
    }
}
