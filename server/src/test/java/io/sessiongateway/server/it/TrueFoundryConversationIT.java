package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.ExternalWorkers;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.SseFrames;
import io.sessiongateway.server.testing.clients.TrueFoundryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A conversation held through TrueFoundry's turns over real HTTP ({@code specs/truefoundry/turns.yaml},
 * {@code turn-events.yaml}): send and stream, read the history (turns, a turn's events, the session's events, with
 * their paging), cancel mid-stream, resume a cut stream, the errors, another caller's session and a deleted one.
 * Every response, streams included, is validated against the documents.
 *
 * <p>The conversation scenarios run per responder of the agent ({@link #responders()}): the built-in {@code echo}
 * and {@code script}. An external worker over the runtime API is one more row there: an agent with responder
 * {@code none} and a worker the test starts, answering as {@code echo} does.
 */
class TrueFoundryConversationIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCRIPT = script();

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_RESPONDER_SCRIPT", SCRIPT.toString()));

    static final TrueFoundryClient TF = GATEWAY.clients().trueFoundry();
    static final String ERROR_DOC = "truefoundry/turns.yaml";

    static String tenant;
    static String alice;

    /** The rules of the {@code script} agent: its default answers as echo does, in 4-character deltas. */
    static Path script() {
        try {
            Path file = Files.createTempFile("tf-conversation", ".yaml");
            Files.writeString(file, """
                    rules:
                      - match: "(?i)weather"
                        tool_calls:
                          - {name: get_weather, arguments: {city: Paris}, result: "sunny"}
                        reply: "It is sunny."
                        delta_size: 6
                      - match: "(?i)slow"
                        reply: "s-l-o-w-l-y"
                        delta_size: 1
                        delay_ms: 150
                      - match: "(?i)fail"
                        fail: "the script says no"
                    default: {reply: "{input}", delta_size: 4}
                    """);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The external-worker case: the reference worker over the runtime API answers the agent of responder none. */
    @RegisterExtension
    static final ExternalWorkers WORKERS = new ExternalWorkers(GATEWAY);

    /** The responders every conversation scenario runs against; an external worker answers as echo does. */
    static Stream<String> responders() {
        return Stream.of("echo", "script", ExternalWorkers.EXTERNAL);
    }

    /** The responders of the cancel and resume scenarios: a slow answer (the script's rule, or a slow worker). */
    static Stream<String> slowResponders() {
        return Stream.of("script", ExternalWorkers.EXTERNAL);
    }

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        alice = token(tenant, "alice");
        for (String responder : List.of("echo", "script", "none")) {
            Response r = GATEWAY.clients()
                    .admin(tenant)
                    .createAgent(
                            tenant,
                            Map.of("name", agent(responder), "managers", List.of("bob"), "responder", responder));
            assertEquals(201, r.statusCode(), r.asString());
        }
    }

    static String agent(String responder) {
        return "agent-" + responder;
    }

    static String session(String responder) {
        WORKERS.serve(tenant, responder);
        Response r =
                TF.bearer(alice).create(tenant, Map.of("agent_name", agent(ExternalWorkers.agentResponder(responder))));
        assertEquals(201, r.statusCode(), r.asString());
        return r.jsonPath().getString("data.id");
    }

    static Map<String, Object> say(String text) {
        return Map.of("input", List.of(Map.of("type", "user.message", "content", text)));
    }

    /** The deltas a responder streams for a reply: echo in 3 pieces, the script's default in 4 characters. */
    static List<String> deltas(String responder, String reply) {
        int pieces = !responder.equals("script") ? 3 : (reply.codePointCount(0, reply.length()) + 3) / 4;
        int size = Math.max(1, (reply.length() + pieces - 1) / pieces);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < reply.length(); i += size) {
            out.add(reply.substring(i, Math.min(reply.length(), i + size)));
        }
        return out;
    }

    /** Parses a stream body; asserts the stream's headers. */
    static List<JsonNode> frames(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        assertEquals("no-cache", r.header("Cache-Control"));
        return SseFrames.parse(r.asString());
    }

    /**
     * The frames of one turn as they must be, with the ids, sequence numbers and times of the actual frames (checked
     * for their form and order) put in: everything else is compared whole.
     */
    static void assertTurnStream(
            List<JsonNode> actual, String turnId, String input, List<String> deltas, String reply) {
        assertEquals(deltas.size() + 3, actual.size(), actual.toString());
        long last = 0;
        for (JsonNode f : actual) {
            long seq = Long.parseLong(f.get("id").asText());
            assertTrue(seq > last, "sequence numbers increase: " + actual);
            last = seq;
            assertEquals(f.get("data").get("type").asText(), f.get("event").asText());
        }
        List<JsonNode> expected = new ArrayList<>();
        expected.add(frame(
                actual.get(0),
                obj("type", "turn.created", "turn_id", turnId, "previous_turn_id", null)
                        .set("input", JSON.valueToTree(say(input).get("input")))));
        ObjectNode created = (ObjectNode) expected.get(0).get("data");
        created.set("state", obj("status", "running"));
        created.set("created_by", obj("subject_id", "alice", "subject_type", "user", "subject_slug", "alice"));
        created.put("created_at", actual.get(0).get("data").get("created_at").asText());
        created.put("thread_id", turnId);
        created.put(
                "previous_turn_id",
                actual.get(0).get("data").get("previous_turn_id").textValue());
        for (int i = 0; i < deltas.size(); i++) {
            JsonNode a = actual.get(1 + i);
            expected.add(frame(
                    a,
                    obj(
                            "type",
                            "model.message.delta",
                            "thread_id",
                            turnId,
                            "content",
                            deltas.get(i),
                            "created_at",
                            a.get("data").get("created_at").asText())));
        }
        JsonNode m = actual.get(1 + deltas.size());
        for (int i = 0; i < deltas.size(); i++) {
            // a delta carries the id of the model.message it builds (the SDK's merge_event_delta needs it)
            assertEquals(
                    m.get("data").get("id").asText(),
                    actual.get(1 + i).get("data").get("id").asText(),
                    "delta " + i + " names its message");
        }
        ObjectNode message = obj(
                "type",
                "model.message",
                "thread_id",
                turnId,
                "content",
                reply,
                "finish_reason",
                "stop",
                "created_at",
                m.get("data").get("created_at").asText());
        expected.add(frame(m, message.deepCopy()));
        JsonNode d = actual.get(2 + deltas.size());
        ObjectNode done = obj("type", "turn.done");
        ObjectNode state = obj("status", "done");
        ObjectNode output = message.deepCopy();
        output.put("id", m.get("data").get("id").asText());
        state.set("output", output);
        state.putArray("required_actions");
        state.put("completed_at", d.get("data").get("state").get("completed_at").asText());
        done.set("state", state);
        done.put("created_at", d.get("data").get("created_at").asText());
        done.put("thread_id", turnId);
        expected.add(frame(d, done));
        assertEquals(expected, actual);
    }

    /** The expected frame: the actual frame's id and the event's id, with the given data. */
    static JsonNode frame(JsonNode actual, ObjectNode data) {
        ObjectNode withId = JSON.createObjectNode();
        withId.put("type", data.get("type").asText());
        withId.put("id", actual.get("data").get("id").asText());
        data.fields().forEachRemaining(e -> withId.set(e.getKey(), e.getValue()));
        ObjectNode f = JSON.createObjectNode();
        f.put("id", actual.get("id").asText());
        f.put("event", data.get("type").asText());
        f.set("data", withId);
        return f;
    }

    static ObjectNode obj(Object... kv) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return o;
    }

    static String turnIdOf(List<JsonNode> frames) {
        String id = frames.get(0).get("data").get("turn_id").asText();
        assertTrue(id.matches("turn_[0-9a-f]{32}"), id);
        return id;
    }

    /** The whole TrueFoundry error body. */
    static void assertError(Response r, int status, String type, String code, String param) {
        TrueFoundryIT.assertError(r, status, type, code, param);
    }

    // ---- send, stream, read

    @ParameterizedTest
    @MethodSource("responders")
    void sendStreamsTheTurnAndTheHistoryReadsIt(String responder) {
        String id = session(responder);
        List<JsonNode> first = frames(TF.bearer(alice).createTurn(tenant, id, say("Hello there")));
        String turn1 = turnIdOf(first);
        assertTurnStream(first, turn1, "Hello there", deltas(responder, "Hello there"), "Hello there");
        assertTrue(first.get(0).get("data").get("previous_turn_id").isNull());

        List<JsonNode> second = frames(TF.bearer(alice).createTurn(tenant, id, say("Again")));
        String turn2 = turnIdOf(second);
        assertEquals(turn1, second.get(0).get("data").get("previous_turn_id").asText());
        assertTurnStream(second, turn2, "Again", deltas(responder, "Again"), "Again");

        // get turn: the whole turn, its output the stream's model.message
        Response got = TF.bearer(alice).getTurn(tenant, id, turn2);
        assertEquals(200, got.statusCode(), got.asString());
        JsonNode turn = json(got).get("data");
        ObjectNode expected = obj("id", turn2, "session_id", id, "previous_turn_id", turn1);
        expected.set("input", JSON.valueToTree(say("Again").get("input")));
        expected.set("state", second.get(second.size() - 1).get("data").get("state"));
        expected.set("created_by_subject", obj("subject_id", "alice", "subject_type", "user", "subject_slug", "alice"));
        expected.put("created_at", turn.get("created_at").asText());
        assertEquals(expected, turn);

        // list turns: newest first, paged by one
        Response page1 = TF.bearer(alice).listTurns(tenant, id, Map.of("limit", 1));
        assertEquals(200, page1.statusCode(), page1.asString());
        JsonNode p1 = json(page1);
        assertEquals(List.of(turn), List.of(p1.get("data").get(0)));
        assertEquals(1, p1.get("data").size());
        assertEquals(1, p1.get("pagination").get("limit").asInt());
        String next = p1.get("pagination").get("next_page_token").asText();
        JsonNode p2 = json(TF.bearer(alice).listTurns(tenant, id, Map.of("limit", 1, "page_token", next)));
        assertEquals(1, p2.get("data").size());
        assertEquals(turn1, p2.get("data").get(0).get("id").asText());
        assertEquals(obj("limit", 1), p2.get("pagination"));
        JsonNode all = json(TF.bearer(alice).listTurns(tenant, id, Map.of()));
        assertEquals(List.of(turn2, turn1), ids(all.get("data")));
        assertEquals(obj("limit", 10), all.get("pagination"));

        // a turn's events: its model.message only (no created, deltas or done), asc and desc
        JsonNode events = json(TF.bearer(alice).turnEvents(tenant, id, turn1, Map.of()));
        JsonNode streamedMessage = first.get(first.size() - 2).get("data");
        assertEquals(List.of(streamedMessage), list(events.get("data")));
        assertEquals(obj("limit", 25), events.get("pagination"));
        assertEquals(
                list(events.get("data")),
                list(json(TF.bearer(alice).turnEvents(tenant, id, turn1, Map.of("order", "desc")))
                        .get("data")));

        // the session's events: per turn created, content, done; newest first; no deltas
        JsonNode session = json(TF.bearer(alice).sessionEvents(tenant, id, Map.of()));
        List<JsonNode> expectedItems = new ArrayList<>();
        for (List<JsonNode> frames : List.of(second, first)) {
            String t = frames.get(0).get("data").get("turn_id").asText();
            for (int i = frames.size() - 1; i >= 0; i--) {
                JsonNode data = frames.get(i).get("data");
                if (!data.get("type").asText().equals("model.message.delta")) {
                    ObjectNode item = obj("turn_id", t);
                    item.set("event", data);
                    expectedItems.add(item);
                }
            }
        }
        assertEquals(expectedItems, list(session.get("data")));
        assertEquals(obj("limit", 100), session.get("pagination"));
        // paged by two: the same items, in the same order
        List<JsonNode> paged = new ArrayList<>();
        Map<String, Object> query = new HashMap<>(Map.of("limit", 2));
        for (int guard = 0; guard < 10; guard++) {
            JsonNode page = json(TF.bearer(alice).sessionEvents(tenant, id, query));
            paged.addAll(list(page.get("data")));
            if (!page.get("pagination").has("next_page_token")) {
                break;
            }
            query.put(
                    "page_token", page.get("pagination").get("next_page_token").asText());
        }
        assertEquals(expectedItems, paged);
        // last_turn_id: the window ends at the first turn
        assertEquals(
                expectedItems.subList(3, 6),
                list(json(TF.bearer(alice).sessionEvents(tenant, id, Map.of("last_turn_id", turn1)))
                        .get("data")));
    }

    @Test
    void toolCallsStreamAsModelMessagesAndToolResponses() {
        String id = session("script");
        List<JsonNode> frames = frames(TF.bearer(alice).createTurn(tenant, id, say("weather?")));
        List<String> types =
                frames.stream().map(f -> f.get("data").get("type").asText()).toList();
        assertEquals(
                List.of(
                        "turn.created",
                        "model.message",
                        "tool.response",
                        "model.message.delta",
                        "model.message.delta",
                        "model.message",
                        "turn.done"),
                types);
        JsonNode call = frames.get(1).get("data");
        assertEquals(
                JSON.valueToTree(List.of(Map.of(
                        "id",
                        "call_1_1",
                        "type",
                        "function",
                        "function",
                        Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}"),
                        "tool_info",
                        Map.of("type", "truefoundry-system", "name", "get_weather")))),
                call.get("tool_calls"));
        assertTrue(call.get("content").isNull());
        assertEquals("tool_calls", call.get("finish_reason").asText());
        JsonNode response = frames.get(2).get("data");
        assertEquals("call_1_1", response.get("tool_call_id").asText());
        assertEquals("sunny", response.get("content").asText());
        String turn = turnIdOf(frames);
        assertEquals(
                List.of("model.message", "tool.response", "model.message"),
                list(json(TF.bearer(alice).turnEvents(tenant, id, turn, Map.of()))
                                .get("data"))
                        .stream()
                        .map(e -> e.get("type").asText())
                        .toList());
        // paged by one in both orders: the same three events, each once
        for (String order : List.of("asc", "desc")) {
            List<JsonNode> seen = new ArrayList<>();
            Map<String, Object> query = new HashMap<>(Map.of("limit", 1, "order", order));
            for (int guard = 0; guard < 10; guard++) {
                JsonNode page = json(TF.bearer(alice).turnEvents(tenant, id, turn, query));
                seen.addAll(list(page.get("data")));
                if (!page.get("pagination").has("next_page_token")) {
                    break;
                }
                query.put(
                        "page_token",
                        page.get("pagination").get("next_page_token").asText());
            }
            List<JsonNode> expected = List.of(
                    frames.get(1).get("data"),
                    frames.get(2).get("data"),
                    frames.get(5).get("data"));
            if (order.equals("desc")) {
                expected = List.of(expected.get(2), expected.get(1), expected.get(0));
            }
            assertEquals(expected, seen, order);
        }
    }

    @Test
    void aFailedTurnEndsInError() {
        String id = session("script");
        List<JsonNode> frames = frames(TF.bearer(alice).createTurn(tenant, id, say("please fail")));
        JsonNode done = frames.get(frames.size() - 1).get("data");
        assertEquals("turn.done", done.get("type").asText());
        assertEquals("error", done.get("state").get("status").asText());
        assertEquals("the script says no", done.get("state").get("message").asText());
        assertEquals(
                obj(
                        "status",
                        "error",
                        "message",
                        "the script says no",
                        "completed_at",
                        done.get("state").get("completed_at").asText()),
                done.get("state"));
    }

    // ---- cancel, replace, resume

    @ParameterizedTest
    @MethodSource("slowResponders")
    void cancelEndsTheRunningTurnMidStream(String responder) throws Exception {
        WORKERS.slowly();
        String id = session(responder);
        try (RawStream stream = RawStream.post(TrueFoundryClient.TURNS, say("go slow"), null, tenant, id)) {
            JsonNode created = stream.next();
            assertEquals("turn.created", created.get("data").get("type").asText());
            JsonNode delta = stream.next();
            assertEquals("model.message.delta", delta.get("data").get("type").asText());
            Response cancel = TF.bearer(alice).cancel(tenant, id, Map.of());
            assertEquals(200, cancel.statusCode(), cancel.asString());
            assertEquals("{}", cancel.asString());
            JsonNode last = stream.untilEnd();
            assertEquals("turn.done", last.get("data").get("type").asText());
            assertEquals(
                    "cancelled", last.get("data").get("state").get("status").asText());
            assertEquals(
                    "client-cancelled",
                    last.get("data").get("state").get("reason").asText());
            stream.assertValid();
        }
        WORKERS.assertStopped(responder, Duration.ofSeconds(15));
        // a second cancel changes nothing
        assertEquals(200, TF.bearer(alice).cancel(tenant, id, Map.of()).statusCode());
    }

    @Test
    void aNewTurnCancelsTheOpenOneForTheNext() throws Exception {
        String id = session("none"); // no worker: turns stay queued (shown as running)
        String first;
        try (RawStream stream = RawStream.post(TrueFoundryClient.TURNS, say("one"), null, tenant, id)) {
            first = stream.next().get("data").get("turn_id").asText();
        }
        Response running = TF.bearer(alice).getTurn(tenant, id, first);
        assertEquals(obj("status", "running"), json(running).get("data").get("state"));
        // continuing a turn that is not the last: 412; an unknown one: 404
        try (RawStream stream = RawStream.post(
                TrueFoundryClient.TURNS,
                Map.of("input", say("two").get("input"), "previous_turn_id", first),
                null,
                tenant,
                id)) {
            JsonNode created = stream.next().get("data");
            assertEquals(first, created.get("previous_turn_id").asText());
        }
        JsonNode cancelled =
                json(TF.bearer(alice).getTurn(tenant, id, first)).get("data").get("state");
        assertEquals("cancelled", cancelled.get("status").asText());
        assertEquals("cancelled-for-next-turn", cancelled.get("reason").asText());
        // the first turn's stream replays to its end at once
        List<JsonNode> replay = frames(TF.bearer(alice).subscribe(tenant, id, first, null, null));
        assertEquals(
                List.of("turn.created", "turn.done"),
                replay.stream().map(f -> f.get("data").get("type").asText()).toList());
        assertError(
                TF.bearer(alice)
                        .createTurn(tenant, id, Map.of("input", say("three").get("input"), "previous_turn_id", first)),
                412,
                "conflict_error",
                "previous_turn_not_last",
                "previous_turn_id");
        assertError(
                TF.bearer(alice)
                        .createTurn(
                                tenant,
                                id,
                                Map.of(
                                        "input",
                                        say("three").get("input"),
                                        "previous_turn_id",
                                        "turn_" + "0".repeat(32))),
                404,
                "not_found_error",
                "turn_not_found",
                null);
        // a running turn's events are not listed yet: 409
        JsonNode turns = json(TF.bearer(alice).listTurns(tenant, id, Map.of())).get("data");
        assertError(
                TF.bearer(alice).turnEvents(tenant, id, turns.get(0).get("id").asText(), Map.of()),
                409,
                "conflict_error",
                "turn_running",
                null);
        // the session's events leave the running turn out and start at its parent
        JsonNode events =
                json(TF.bearer(alice).sessionEvents(tenant, id, Map.of())).get("data");
        assertEquals(
                List.of("turn.done", "turn.created"),
                list(events).stream()
                        .map(e -> e.get("event").get("type").asText())
                        .toList());
        assertEquals(first, events.get(0).get("turn_id").asText());
    }

    @ParameterizedTest
    @MethodSource("slowResponders")
    void aCutStreamResumesWithoutLossOrRepeat(String responder) throws Exception {
        WORKERS.slowly();
        String id = session(responder);
        List<JsonNode> before = new ArrayList<>();
        String turn;
        try (RawStream stream = RawStream.post(TrueFoundryClient.TURNS, say("slow please"), null, tenant, id)) {
            before.add(stream.next());
            before.add(stream.next());
            before.add(stream.next());
            turn = before.get(0).get("data").get("turn_id").asText();
            stream.assertValid();
        } // the client goes away mid-stream
        String lastId = before.get(2).get("id").asText();
        List<JsonNode> after;
        try (RawStream resumed = RawStream.post(
                TrueFoundryClient.SUBSCRIBE,
                Map.of("after_sequence_number", Long.parseLong(lastId)),
                null,
                tenant,
                id,
                turn)) {
            after = resumed.all();
            resumed.assertValid();
        }
        List<JsonNode> joined = new ArrayList<>(before);
        joined.addAll(after);
        // the whole turn, once: what a fresh subscription from the start replays
        List<JsonNode> whole = frames(TF.bearer(alice).subscribe(tenant, id, turn, null, null));
        assertEquals(whole, joined);
        assertEquals(
                responder.equals("script") ? "s-l-o-w-l-y" : "slow please",
                whole.get(whole.size() - 2).get("data").get("content").asText());
        // Last-Event-Id resumes the same way; the body's after_sequence_number wins over it
        assertEquals(after, frames(TF.bearer(alice).subscribe(tenant, id, turn, null, lastId)));
        assertEquals(
                whole.subList(1, whole.size()),
                frames(TF.bearer(alice)
                        .subscribe(
                                tenant,
                                id,
                                turn,
                                Map.of(
                                        "after_sequence_number",
                                        Long.parseLong(whole.get(0).get("id").asText())),
                                lastId)));
    }

    // ---- errors, visibility, deleted sessions

    @Test
    void badRequestsAre400() {
        String id = session("echo");
        assertError(
                TF.bearer(alice).createTurn(tenant, id, Map.of()),
                400,
                "invalid_request_error",
                "invalid_request_body",
                "input");
        assertError(
                TF.bearer(alice).createTurn(tenant, id, Map.of("input", List.of(Map.of("type", "user.message")))),
                400,
                "invalid_request_error",
                "invalid_request_body",
                "input.content");
        assertError(
                TF.bearer(alice).listTurns(tenant, id, Map.of("limit", 26)),
                400,
                "invalid_request_error",
                "invalid_argument",
                "limit");
        assertError(
                TF.bearer(alice).listTurns(tenant, id, Map.of("page_token", "nope")),
                400,
                "invalid_request_error",
                "invalid_page_token",
                "page_token");
        assertError(
                TF.bearer(alice).sessionEvents(tenant, id, Map.of("limit", 0)),
                400,
                "invalid_request_error",
                "invalid_argument",
                "limit");
        List<JsonNode> frames = frames(TF.bearer(alice).createTurn(tenant, id, say("x")));
        String turn = turnIdOf(frames);
        assertError(
                TF.bearer(alice).turnEvents(tenant, id, turn, Map.of("order", "sideways")),
                400,
                "invalid_request_error",
                "invalid_argument",
                "order");
        assertError(
                TF.bearer(alice).subscribe(tenant, id, turn, Map.of("after_sequence_number", -1), null),
                400,
                "invalid_request_error",
                "invalid_request_body",
                "after_sequence_number");
        assertError(
                TF.bearer(alice).subscribe(tenant, id, turn, null, "abc"),
                400,
                "invalid_request_error",
                "invalid_argument",
                "Last-Event-Id");
        // a token of one listing is refused by another
        String token = json(TF.bearer(alice).sessionEvents(tenant, id, Map.of("limit", 1)))
                .get("pagination")
                .get("next_page_token")
                .asText();
        assertError(
                TF.bearer(alice).listTurns(tenant, id, Map.of("page_token", token)),
                400,
                "invalid_request_error",
                "invalid_page_token",
                "page_token");
    }

    @Test
    void unknownTurnsAndSessionsAre404() {
        String id = session("echo");
        for (String turn : List.of("turn_" + "0".repeat(32), "nope")) {
            assertError(TF.bearer(alice).getTurn(tenant, id, turn), 404, "not_found_error", "turn_not_found", null);
            assertError(
                    TF.bearer(alice).subscribe(tenant, id, turn, null, null),
                    404,
                    "not_found_error",
                    "turn_not_found",
                    null);
            assertError(
                    TF.bearer(alice).turnEvents(tenant, id, turn, Map.of()),
                    404,
                    "not_found_error",
                    "turn_not_found",
                    null);
        }
        assertError(
                TF.bearer(alice).sessionEvents(tenant, id, Map.of("last_turn_id", "nope")),
                404,
                "not_found_error",
                "turn_not_found",
                null);
        // another session's turn is not this session's
        String other = session("echo");
        String turn = turnIdOf(frames(TF.bearer(alice).createTurn(tenant, other, say("x"))));
        assertError(TF.bearer(alice).getTurn(tenant, id, turn), 404, "not_found_error", "turn_not_found", null);
        String missing = "session_" + "0".repeat(32);
        assertError(
                TF.bearer(alice).createTurn(tenant, missing, say("x")),
                404,
                "not_found_error",
                "session_not_found",
                null);
        assertError(
                TF.bearer(alice).listTurns(tenant, missing, Map.of()),
                404,
                "not_found_error",
                "session_not_found",
                null);
        assertError(
                TF.bearer(alice).sessionEvents(tenant, missing, Map.of()),
                404,
                "not_found_error",
                "session_not_found",
                null);
    }

    @Test
    void anotherCallersSessionIsForbiddenAndAManagerReadsIt() {
        String id = session("echo");
        String turn = turnIdOf(frames(TF.bearer(alice).createTurn(tenant, id, say("private"))));
        String mallory = token(tenant, "mallory");
        assertError(
                TF.bearer(mallory).createTurn(tenant, id, say("x")),
                403,
                "permission_error",
                "session_forbidden",
                null);
        assertError(
                TF.bearer(mallory).listTurns(tenant, id, Map.of()), 403, "permission_error", "session_forbidden", null);
        assertError(TF.bearer(mallory).getTurn(tenant, id, turn), 403, "permission_error", "session_forbidden", null);
        assertError(
                TF.bearer(mallory).subscribe(tenant, id, turn, null, null),
                403,
                "permission_error",
                "session_forbidden",
                null);
        assertError(
                TF.bearer(mallory).turnEvents(tenant, id, turn, Map.of()),
                403,
                "permission_error",
                "session_forbidden",
                null);
        assertError(
                TF.bearer(mallory).sessionEvents(tenant, id, Map.of()),
                403,
                "permission_error",
                "session_forbidden",
                null);
        assertError(
                TF.bearer(mallory).cancel(tenant, id, Map.of()), 403, "permission_error", "session_forbidden", null);
        // bob manages the agent: he reads the conversation
        assertEquals(
                200, TF.bearer(token(tenant, "bob")).getTurn(tenant, id, turn).statusCode());
        // no credentials: 401 first
        assertError(TF.as(null).listTurns(tenant, id, Map.of()), 401, "authentication_error", "unauthenticated", null);
    }

    @Test
    void aDeletedSessionHasNoConversation() {
        String id = session("echo");
        String turn = turnIdOf(frames(TF.bearer(alice).createTurn(tenant, id, say("bye"))));
        Response deleted = GATEWAY.clients().admin(tenant).deleteSession(id);
        assertTrue(deleted.statusCode() / 100 == 2, deleted.asString());
        assertError(
                TF.bearer(alice).createTurn(tenant, id, say("x")), 404, "not_found_error", "session_not_found", null);
        assertError(TF.bearer(alice).getTurn(tenant, id, turn), 404, "not_found_error", "session_not_found", null);
        assertError(
                TF.bearer(alice).subscribe(tenant, id, turn, null, null),
                404,
                "not_found_error",
                "session_not_found",
                null);
        assertError(
                TF.bearer(alice).sessionEvents(tenant, id, Map.of()),
                404,
                "not_found_error",
                "session_not_found",
                null);
    }

    // ---- helpers

    static JsonNode json(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        try {
            return JSON.readTree(r.asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static List<String> ids(JsonNode array) {
        return list(array).stream().map(t -> t.get("id").asText()).toList();
    }

    /**
     * A stream read frame by frame over a connection of its own (rest-assured reads a body whole), so that a test
     * can act mid-stream or go away. What it read is validated against the document like every other response.
     */
    static final class RawStream implements AutoCloseable {
        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String path;
        private final InputStream body;
        private final BufferedReader reader;
        private final String contentType;
        private final StringBuilder raw = new StringBuilder();
        /** Frames returned so far. */
        private int count;

        private RawStream(String path, HttpResponse<InputStream> response) {
            this.path = path;
            this.body = response.body();
            this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            this.contentType = response.headers().firstValue("Content-Type").orElse(null);
            assertEquals(200, response.statusCode());
        }

        static RawStream post(String template, Object body, String lastEventId, Object... params) throws Exception {
            String path = template;
            for (Object p : params) {
                path = path.replaceFirst("\\{[^}]+}", p.toString());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY.baseUri() + path))
                    .header("Authorization", "Bearer " + alice)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (lastEventId != null) {
                request.header("Last-Event-Id", lastEventId);
            }
            return new RawStream(path, HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        }

        /** The next frame; fails at the end of the stream. */
        JsonNode next() throws IOException {
            while (true) {
                List<JsonNode> frames = SseFrames.parse(raw.toString());
                if (frames.size() > count) {
                    return frames.get(count++);
                }
                String line = reader.readLine();
                assertNotNull(line, "the stream ended early: " + raw);
                raw.append(line).append('\n');
            }
        }

        /** Every remaining frame, to the end of the stream. */
        List<JsonNode> all() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                raw.append(line).append('\n');
            }
            List<JsonNode> frames = SseFrames.parse(raw.toString());
            out.addAll(frames.subList(count, frames.size()));
            count = frames.size();
            return out;
        }

        /** Reads to the end; the last frame. */
        JsonNode untilEnd() throws IOException {
            List<JsonNode> rest = all();
            assertTrue(!rest.isEmpty(), "no frame before the end: " + raw);
            return rest.get(rest.size() - 1);
        }

        void assertValid() {
            List<String> violations =
                    GatewayHarness.validator().validate("POST", path, 200, contentType, raw.toString());
            assertEquals(List.of(), violations, raw.toString());
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
