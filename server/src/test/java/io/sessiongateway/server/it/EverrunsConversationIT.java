package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.ExternalWorkers;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.EventStreamReader;
import io.sessiongateway.server.testing.clients.EverrunsClient;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Everruns conversation over real HTTP (issue #13): send a message, read the history (messages, events with every
 * filter and cursor), watch the status move {@code started → active → idle}, cancel a running turn, errors,
 * visibility and a deleted session. Parameterized over the agent's responder ({@code echo}, {@code script}): a
 * scenario takes the responder's name, so an external worker over the runtime API is one more value (an agent with
 * responder {@code none} plus a worker the test starts). Every response is validated against its document by the
 * harness.
 */
class EverrunsConversationIT {
    /** The script responder's rules: a slow rule (for cancel), a tool call, and otherwise the echo's answer. */
    static final String SCRIPT = """
            rules:
              - match: "(?i)slowly"
                reply: "a long and slow answer to cancel"
                delta_size: 2
                delay_ms: 150
              - match: "(?i)weather"
                tool_calls:
                  - {name: get_weather, arguments: {city: Paris}, result: "sunny"}
                reply: "It is sunny."
            default: {reply: "{input}", delta_size: 4}
            """;

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_RESPONDER_SCRIPT", scriptFile()));

    /** The external-worker case: the reference worker over the runtime API answers an agent of responder none. */
    @RegisterExtension
    static final ExternalWorkers WORKERS = new ExternalWorkers(GATEWAY);

    static final Clients CLIENTS = GATEWAY.clients();
    static final String NO_SESSION = "session_" + "0".repeat(32);
    static final Pattern EVENT_ID = Pattern.compile("^event_[0-9a-f]{32}$");
    static final Pattern MESSAGE_ID = Pattern.compile("^message_[0-9a-f]{32}$");
    static final Pattern TURN_ID = Pattern.compile("^turn_[0-9a-f]{32}$");
    static final Duration WAIT = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();

    static String scriptFile() {
        try {
            Path file = Files.createTempFile("everruns-script", ".yaml");
            Files.writeString(file, SCRIPT);
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An organisation whose agent answers with the given responder, and a session of it. */
    record Conversation(Tenant tenant, String session) {
        EverrunsClient client() {
            return CLIENTS.everruns().as(tenant.bearer());
        }
    }

    static Conversation conversation(String responder) {
        Tenant t = GATEWAY.provisioning().tenant();
        WORKERS.serve(t.tenant(), responder);
        Response agent = CLIENTS.admin(t.tenant())
                .createAgent(
                        t.tenant(),
                        Map.of("name", "bot-" + responder, "responder", ExternalWorkers.agentResponder(responder)));
        assertEquals(201, agent.statusCode(), agent.asString());
        Response created = CLIENTS.everruns()
                .as(t.bearer())
                .create(Map.of("agent_id", agent.jsonPath().getString("ids.everruns")));
        assertEquals(201, created.statusCode(), created.asString());
        return new Conversation(t, created.jsonPath().getString("id"));
    }

    static Map<String, Object> ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return r.jsonPath().getMap("");
    }

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("error"), List.copyOf(body.keySet()), r.asString());
        assertTrue(body.get("error") instanceof String s && !s.isBlank(), r.asString());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> data(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("data");
    }

    static List<Map<String, Object>> events(Conversation c, Map<String, ?> query) {
        return data(ok(c.client().events(c.session(), query)));
    }

    static List<String> types(List<Map<String, Object>> events) {
        return events.stream().map(e -> (String) e.get("type")).toList();
    }

    /** Polls the events list until the predicate holds for the whole log. */
    static List<Map<String, Object>> awaitEvents(Conversation c, Predicate<List<Map<String, Object>>> done) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            List<Map<String, Object>> events = events(c, Map.of());
            if (done.test(events)) {
                return events;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("timed out; events so far: " + types(events));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static Predicate<List<Map<String, Object>>> count(String type, int n) {
        return events -> types(events).stream().filter(type::equals).count() >= n;
    }

    static Map<String, Object> say(Conversation c, String text) {
        Response r = c.client().say(c.session(), text);
        assertEquals(201, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return r.jsonPath().getMap("");
    }

    static String status(Conversation c) {
        return (String) ok(c.client().get(c.session())).get("status");
    }

    static Map<String, Object> text(String text) {
        return Map.of("type", "text", "text", text);
    }

    /** What the responder answers to a plain text, and in how many deltas. */
    static List<String> deltas(String responder, String text) {
        List<String> pieces = new ArrayList<>();
        int size = responder.equals("script") ? 4 : (text.length() + 2) / 3;
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }

    /** Asserts the envelope of an event and returns it for the data checks. */
    static Map<String, Object> assertEvent(
            Map<String, Object> e, String session, String type, Map<String, Object> context, Map<String, Object> data) {
        assertEquals(
                List.of("id", "type", "ts", "session_id", "sequence", "context", "data"),
                List.copyOf(e.keySet()),
                e.toString());
        assertTrue(EVENT_ID.matcher((String) e.get("id")).matches(), e.toString());
        assertEquals(type, e.get("type"));
        Instant.parse((String) e.get("ts"));
        assertEquals(session, e.get("session_id"));
        assertTrue(e.get("sequence") instanceof Integer, e.toString());
        assertEquals(context, e.get("context"), type);
        assertEquals(data, e.get("data"), type);
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "script", ExternalWorkers.EXTERNAL})
    void sendAMessageAndReadTheConversationBack(String responder) {
        Conversation c = conversation(responder);
        assertEquals("started", status(c));
        assertEquals(Map.of("data", List.of()), ok(c.client().messages(c.session())));

        Map<String, Object> sent = say(c, "hello gateway");
        String userId = (String) sent.get("id");
        assertTrue(MESSAGE_ID.matcher(userId).matches(), userId);
        Map<String, Object> expectedSent = new LinkedHashMap<>();
        expectedSent.put("id", userId);
        expectedSent.put("session_id", c.session());
        expectedSent.put("sequence", sent.get("sequence"));
        expectedSent.put("role", "user");
        expectedSent.put("content", List.of(text("hello gateway")));
        expectedSent.put("created_at", sent.get("created_at"));
        assertEquals(expectedSent, sent);
        Instant.parse((String) sent.get("created_at"));

        List<Map<String, Object>> log = awaitEvents(c, count("session.idled", 1));
        List<String> pieces = deltas(responder, "hello gateway");
        List<String> expectedTypes = new ArrayList<>(List.of("input.message", "session.activated", "turn.started"));
        pieces.forEach(p -> expectedTypes.add("output.message.delta"));
        expectedTypes.addAll(List.of("output.message.completed", "turn.completed", "session.idled"));
        assertEquals(expectedTypes, types(log));
        assertEquals("idle", status(c));

        // the ids every event names
        String turn = (String) ((Map<?, ?>) log.get(0).get("context")).get("turn_id");
        assertTrue(TURN_ID.matcher(turn).matches(), turn);
        Map<String, Object> agentMessage =
                data(ok(c.client().messages(c.session()))).get(1);
        String agentId = (String) agentMessage.get("id");

        Map<String, Object> userMessage = new LinkedHashMap<>(expectedSent);
        userMessage.remove("session_id");
        userMessage.remove("sequence");
        Map<String, Object> turnContext = Map.of("turn_id", turn, "input_message_id", userId);
        assertEvent(log.get(0), c.session(), "input.message", turnContext, Map.of("message", userMessage));
        assertEquals(sent.get("sequence"), log.get(0).get("sequence"), "a message's sequence is its event's");
        assertEvent(
                log.get(1),
                c.session(),
                "session.activated",
                turnContext,
                Map.of("turn_id", turn, "input_message_id", userId));
        assertEvent(
                log.get(2),
                c.session(),
                "turn.started",
                turnContext,
                Map.of("turn_id", turn, "input_message_id", userId));
        StringBuilder accumulated = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            accumulated.append(pieces.get(i));
            assertEvent(
                    log.get(3 + i),
                    c.session(),
                    "output.message.delta",
                    Map.of("turn_id", turn),
                    Map.of("turn_id", turn, "delta", pieces.get(i), "accumulated", accumulated.toString()));
        }
        int k = 3 + pieces.size();
        Map<String, Object> agentInEvent = new LinkedHashMap<>(agentMessage);
        agentInEvent.remove("session_id");
        agentInEvent.remove("sequence");
        assertEvent(
                log.get(k),
                c.session(),
                "output.message.completed",
                Map.of("turn_id", turn),
                Map.of("message", agentInEvent));
        Map<String, Object> completed = log.get(k + 1);
        Map<String, Object> completedData = new HashMap<>(Map.of("turn_id", turn, "iterations", 1));
        completedData.put("duration_ms", ((Map<?, ?>) completed.get("data")).get("duration_ms"));
        assertEvent(completed, c.session(), "turn.completed", turnContext, completedData);
        assertEvent(log.get(k + 2), c.session(), "session.idled", Map.of("turn_id", turn), Map.of("turn_id", turn));
        for (int i = 1; i < log.size(); i++) {
            assertTrue(
                    (Integer) log.get(i).get("sequence")
                            > (Integer) log.get(i - 1).get("sequence"),
                    "ascending");
        }

        // the history: the user's message and the agent's answer, with the streamed message's id
        Map<String, Object> expectedAgent = new LinkedHashMap<>();
        expectedAgent.put("id", agentId);
        expectedAgent.put("session_id", c.session());
        expectedAgent.put("sequence", log.get(k).get("sequence"));
        expectedAgent.put("role", "agent");
        expectedAgent.put("content", List.of(text("hello gateway")));
        expectedAgent.put("created_at", agentMessage.get("created_at"));
        assertEquals(
                Map.of("data", List.of(expectedSent, expectedAgent)),
                ok(c.client().messages(c.session())));

        // a second turn goes the same way
        say(c, "again");
        List<Map<String, Object>> after = awaitEvents(c, count("session.idled", 2));
        assertEquals(log, after.subList(0, log.size()), "the log only grows");
        assertEquals(4, data(ok(c.client().messages(c.session()))).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "script", ExternalWorkers.EXTERNAL})
    void everyFilterAndCursorOfTheEventsList(String responder) {
        Conversation c = conversation(responder);
        say(c, "first message");
        awaitEvents(c, count("session.idled", 1));
        say(c, "second message");
        List<Map<String, Object>> all = awaitEvents(c, count("session.idled", 2));
        int n = all.size();
        Response whole = c.client().events(c.session(), Map.of());
        assertEquals(String.valueOf(n), whole.header("X-Total-Count"));

        // limit keeps the oldest; after_sequence pages forward without loss or repeat
        List<Map<String, Object>> paged = new ArrayList<>();
        Map<String, Object> query = new HashMap<>(Map.of("limit", 3));
        while (true) {
            Response r = c.client().events(c.session(), query);
            List<Map<String, Object>> page = data(ok(r));
            assertEquals(String.valueOf(n - paged.size()), r.header("X-Total-Count"), "matches before limit");
            if (page.isEmpty()) {
                break;
            }
            paged.addAll(page);
            query.put("after_sequence", page.get(page.size() - 1).get("sequence"));
        }
        assertEquals(all, paged);

        // before_sequence pages backward: limit keeps the newest below it, oldest first
        Object lastSeq = all.get(n - 1).get("sequence");
        Response back = c.client().events(c.session(), Map.of("before_sequence", lastSeq, "limit", 2));
        assertEquals(all.subList(n - 3, n - 1), data(ok(back)));
        assertEquals(String.valueOf(n - 1), back.header("X-Total-Count"));

        // since_id: the events after that event
        String middle = (String) all.get(4).get("id");
        assertEquals(all.subList(5, n), events(c, Map.of("since_id", middle)));
        assertEquals(List.of(), events(c, Map.of("since_id", all.get(n - 1).get("id"))));

        // types keeps the named types, exclude removes some; both combine with the cursors
        List<Map<String, Object>> inputs =
                all.stream().filter(e -> e.get("type").equals("input.message")).toList();
        Response typed = c.client().events(c.session(), Map.of("types", List.of("input.message")));
        assertEquals(inputs, data(ok(typed)));
        assertEquals("2", typed.header("X-Total-Count"));
        List<String> turnTypes = List.of("turn.started", "turn.completed");
        assertEquals(
                all.stream().filter(e -> turnTypes.contains(e.get("type"))).toList(),
                events(c, Map.of("types", turnTypes)));
        assertEquals(
                all.stream()
                        .filter(e -> !e.get("type").equals("output.message.delta"))
                        .toList(),
                events(c, Map.of("exclude", List.of("output.message.delta"))));
        assertEquals(
                List.of(), events(c, Map.of("types", List.of("turn.started"), "exclude", List.of("turn.started"))));
        assertEquals(List.of(), events(c, Map.of("types", List.of("session.started", "tool.call_requested"))));
        assertEquals(
                inputs.subList(1, 2),
                events(
                        c,
                        Map.of(
                                "types",
                                List.of("input.message"),
                                "after_sequence",
                                inputs.get(0).get("sequence"))));
        assertEquals(
                all.stream()
                        .filter(e -> e.get("type").equals("output.message.delta"))
                        .toList()
                        .subList(1, 2),
                events(
                        c,
                        Map.of(
                                "types",
                                List.of("output.message.delta"),
                                "since_id",
                                all.get(3).get("id"),
                                "limit",
                                1)));
    }

    @Test
    void toolCallsShowAsToolEventsAndMessages() {
        Conversation c = conversation("script");
        say(c, "what is the weather?");
        List<Map<String, Object>> log = awaitEvents(c, count("session.idled", 1));
        List<Map<String, Object>> tools = log.stream()
                .filter(e -> ((String) e.get("type")).startsWith("tool."))
                .toList();
        assertEquals(List.of("tool.started", "tool.completed"), types(tools));
        String turn = (String) ((Map<?, ?>) tools.get(0).get("context")).get("turn_id");
        Map<?, ?> started = (Map<?, ?>) tools.get(0).get("data");
        Map<?, ?> call = (Map<?, ?>) started.get("tool_call");
        String callId = (String) call.get("id");
        assertEquals(
                Map.of("tool_call", Map.of("id", callId, "name", "get_weather", "arguments", Map.of("city", "Paris"))),
                started);
        assertEvent(
                tools.get(1),
                c.session(),
                "tool.completed",
                Map.of("turn_id", turn),
                Map.of(
                        "tool_call_id",
                        callId,
                        "tool_name",
                        "get_weather",
                        "success",
                        true,
                        "status",
                        "success",
                        "result",
                        List.of(text("sunny"))));
        List<Map<String, Object>> messages = data(ok(c.client().messages(c.session())));
        assertEquals(
                List.of("user", "agent", "tool_result", "agent"),
                messages.stream().map(m -> m.get("role")).toList());
        assertEquals(
                List.of(Map.of(
                        "type",
                        "tool_call",
                        "id",
                        callId,
                        "name",
                        "get_weather",
                        "arguments",
                        Map.of("city", "Paris"))),
                messages.get(1).get("content"));
        assertEquals(
                List.of(Map.of("type", "tool_result", "tool_call_id", callId, "result", "sunny")),
                messages.get(2).get("content"));
        assertEquals(List.of(text("It is sunny.")), messages.get(3).get("content"));
        assertEquals(types(log).stream().filter(t -> t.startsWith("tool.")).count(), (long)
                events(c, Map.of("types", List.of("tool.started", "tool.completed")))
                        .size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void cancelStopsTheRunningTurnThenAnswersNoOp(String responder) throws InterruptedException {
        WORKERS.slowly();
        Conversation c = conversation(responder);
        assertEquals(
                Map.of("status", "no_op", "message", "No turn currently running"),
                ok(c.client().cancel(c.session())));
        say(c, "answer slowly please");
        awaitEvents(c, count("output.message.delta", 1));
        assertEquals("active", status(c));
        assertEquals(
                Map.of("status", "cancelled", "message", "Turn cancelled successfully"),
                ok(c.client().cancel(c.session())));
        List<Map<String, Object>> log = awaitEvents(c, count("session.idled", 1));
        assertEquals("idle", status(c));
        List<String> types = types(log);
        assertEquals(List.of("turn.cancelled", "session.idled"), types.subList(types.size() - 2, types.size()));
        WORKERS.assertStopped(responder, WAIT);
        Map<String, Object> cancelled = log.get(log.size() - 2);
        String turn = (String) ((Map<?, ?>) cancelled.get("data")).get("turn_id");
        String input = (String) ((Map<?, ?>) log.get(0).get("context")).get("input_message_id");
        assertEvent(
                cancelled,
                c.session(),
                "turn.cancelled",
                Map.of("turn_id", turn, "input_message_id", input),
                Map.of("turn_id", turn, "reason", "client-cancelled"));
        assertTrue(!types.contains("output.message.completed"), "the answer was never completed: " + types);
        assertEquals(
                Map.of("status", "no_op", "message", "No turn currently running"),
                ok(c.client().cancel(c.session())));
        // the worker's late output is refused: nothing follows the cancellation
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertEquals(log, events(c, Map.of()));
        // the conversation goes on
        say(c, "and now quickly");
        awaitEvents(c, count("session.idled", 2));
    }

    // ---- The live stream (GET …/sse)

    static EventStreamReader stream(Conversation c, String query) {
        try {
            return EventStreamReader.open(
                    GATEWAY.baseUri(),
                    "/v1/sessions/" + c.session() + "/sse" + query,
                    Map.of("Authorization", c.tenant().bearer(), "Accept", "text/event-stream"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Predicate<List<JsonNode>> frameCount(String type, int n) {
        return frames -> frames.stream()
                        .filter(f -> type.equals(f.path("event").asText()))
                        .count()
                >= n;
    }

    /** The event frames' data as the events list shows events, asserting each frame's id and event fields. */
    static List<Map<String, Object>> eventsOf(List<JsonNode> frames) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (JsonNode f : frames) {
            if (f.path("event").asText().equals("connected")) {
                continue;
            }
            assertEquals(f.path("data").path("id").asText(), f.path("id").asText(), f.toString());
            assertEquals(f.path("data").path("type").asText(), f.path("event").asText(), f.toString());
            events.add(JSON.convertValue(f.path("data"), new TypeReference<Map<String, Object>>() {}));
        }
        return events;
    }

    static void assertStreamValid(EventStreamReader s) {
        assertEquals(200, s.status());
        assertEquals("text/event-stream", s.header("Content-Type").split(";")[0].trim());
        assertEquals("no-cache", s.header("Cache-Control"));
        assertEquals(List.of(), s.validate(GatewayHarness.validator()), s.text());
        List<JsonNode> frames = s.frames();
        assertEquals(
                JSON.createObjectNode().put("event", "connected").set("data", JSON.createObjectNode()), frames.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "script", ExternalWorkers.EXTERNAL})
    void theStreamShowsTheConversationLiveAsTheListDoes(String responder) {
        Conversation c = conversation(responder);
        try (EventStreamReader s = stream(c, "")) {
            s.awaitFrames(frames -> !frames.isEmpty(), WAIT);
            say(c, "streamed hello");
            List<JsonNode> frames = s.awaitFrames(frameCount("session.idled", 1), WAIT);
            assertStreamValid(s);
            assertEquals(events(c, Map.of()), eventsOf(frames), "the stream shows what the list shows, in order");
        }
        // a filtered stream of the whole history: deltas only
        try (EventStreamReader s = stream(c, "?types=output.message.delta&types=turn.completed")) {
            List<JsonNode> frames = s.awaitFrames(frameCount("turn.completed", 1), WAIT);
            assertStreamValid(s);
            assertEquals(
                    events(c, Map.of("types", List.of("output.message.delta", "turn.completed"))), eventsOf(frames));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void aCutStreamResumesBySinceIdWithoutLossOrRepeat(String responder) throws InterruptedException {
        WORKERS.slowly();
        Conversation c = conversation(responder);
        List<Map<String, Object>> received = new ArrayList<>();
        try (EventStreamReader s = stream(c, "")) {
            s.awaitFrames(frames -> !frames.isEmpty(), WAIT);
            say(c, "answer slowly please");
            List<JsonNode> frames = s.awaitFrames(frameCount("output.message.delta", 3), WAIT);
            assertStreamValid(s);
            received.addAll(eventsOf(frames));
        } // the client cuts the connection mid-turn
        String last = (String) received.get(received.size() - 1).get("id");
        try (EventStreamReader s = stream(c, "?since_id=" + last)) {
            List<JsonNode> frames = s.awaitFrames(frameCount("session.idled", 1), WAIT);
            assertStreamValid(s);
            received.addAll(eventsOf(frames));
        }
        assertEquals(events(c, Map.of()), received, "every event once, in order, across the cut");
        List<String> ids = received.stream().map(e -> (String) e.get("id")).toList();
        assertEquals(ids.size(), ids.stream().distinct().count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void cancelMidStreamEndsTheTurnOnTheStream(String responder) throws InterruptedException {
        WORKERS.slowly();
        Conversation c = conversation(responder);
        try (EventStreamReader s = stream(c, "")) {
            s.awaitFrames(frames -> !frames.isEmpty(), WAIT);
            say(c, "answer slowly please");
            s.awaitFrames(frameCount("output.message.delta", 2), WAIT);
            assertEquals(
                    Map.of("status", "cancelled", "message", "Turn cancelled successfully"),
                    ok(c.client().cancel(c.session())));
            List<JsonNode> frames = s.awaitFrames(frameCount("session.idled", 1), WAIT);
            assertStreamValid(s);
            List<String> types = types(eventsOf(frames));
            assertEquals(List.of("turn.cancelled", "session.idled"), types.subList(types.size() - 2, types.size()));
            assertEquals(events(c, Map.of()), eventsOf(frames));
            WORKERS.assertStopped(responder, WAIT);
        }
    }

    @Test
    void streamErrorsAreJsonInTheVendorsEnvelope() {
        Conversation c = conversation("echo");
        EverrunsClient client = c.client();
        assertError(client.request().get(EverrunsClient.SSE, "session_1"), 400);
        assertError(client.request().queryParam("since_id", "event_1").get(EverrunsClient.SSE, c.session()), 400);
        assertError(
                client.request()
                        .queryParam("since_id", "event_" + "0".repeat(32))
                        .get(EverrunsClient.SSE, c.session()),
                400);
        assertError(client.request().queryParam("types", "turn.unknown").get(EverrunsClient.SSE, c.session()), 400);
        assertError(client.request().get(EverrunsClient.SSE, NO_SESSION), 404);
        assertError(CLIENTS.everruns().request().get(EverrunsClient.SSE, c.session()), 401);
        Tenant other = GATEWAY.provisioning().tenant();
        assertError(CLIENTS.everruns().as(other.bearer()).request().get(EverrunsClient.SSE, c.session()), 404);
    }

    @Nested
    class Errors {
        final Conversation c = conversation("echo");

        @Test
        void badSessionIdsAre400AndUnknownOnes404() {
            for (String bad : List.of("session_", "session_XYZ", NO_SESSION + "0")) {
                assertError(c.client().messages(bad), 400);
                assertError(c.client().say(bad, "hi"), 400);
                assertError(c.client().events(bad, Map.of()), 400);
            }
            assertError(c.client().messages(NO_SESSION), 404);
            assertError(c.client().say(NO_SESSION, "hi"), 404);
            assertError(c.client().events(NO_SESSION, Map.of()), 404);
        }

        @Test
        void badBodiesAre400() {
            List<Object> bodies = List.of(
                    Map.of(),
                    Map.of("message", "hi"),
                    Map.of("message", Map.of("content", List.of())),
                    Map.of("message", Map.of("role", "agent", "content", List.of(text("hi")))),
                    Map.of("message", Map.of("content", List.of(Map.of("type", "image_file", "image_id", "img_1")))),
                    Map.of("message", Map.of("content", List.of(Map.of("type", "video")))),
                    Map.of("message", Map.of("content", List.of(Map.of("type", "text", "text", 3)))),
                    Map.of("message", Map.of("content", List.of(Map.of("type", "image")))),
                    Map.of("message", Map.of("content", List.of(text("hi"))), "tags", "x"),
                    Map.of("message", Map.of("content", List.of(text("hi"))), "external_actor", Map.of()));
            for (Object body : bodies) {
                assertError(c.client().postMessage(c.session(), body), 400);
            }
            assertEquals(Map.of("data", List.of()), ok(c.client().messages(c.session())), "nothing was stored");
            assertEquals("started", status(c));
        }

        @Test
        void badQueriesOfTheEventsListAre400() {
            List<Map<String, Object>> queries = List.of(
                    Map.of("since_id", "event_1"),
                    Map.of("since_id", "event_" + "0".repeat(32)),
                    Map.of("types", List.of("turn.unknown")),
                    Map.of("exclude", List.of("reason.started")),
                    Map.of("types", Collections.nCopies(26, "turn.started")),
                    Map.of("limit", 0),
                    Map.of("limit", 1001),
                    Map.of("limit", "ten"),
                    Map.of("limit", ""),
                    Map.of("limit", List.of(1, 2)),
                    Map.of("before_sequence", -1),
                    Map.of("after_sequence", "99999999999"));
            for (Map<String, Object> q : queries) {
                assertError(c.client().events(c.session(), q), 400);
            }
        }

        @Test
        void anEventOfAnotherSessionIsNoCursorHere() {
            Conversation other = conversation("echo");
            say(other, "elsewhere");
            String id = (String)
                    awaitEvents(other, count("session.idled", 1)).get(0).get("id");
            assertError(c.client().events(c.session(), Map.of("since_id", id)), 400);
        }

        @Test
        void credentialsAreCheckedFirst() {
            EverrunsClient anonymous = CLIENTS.everruns();
            assertError(anonymous.messages(c.session()), 401);
            assertError(anonymous.postMessage(c.session(), Map.of()), 401);
            assertError(anonymous.events(c.session(), Map.of("limit", 0)), 401);
        }

        @Test
        void anotherOrganisationsSessionDoesNotExistForTheCaller() {
            Tenant other = GATEWAY.provisioning().tenant();
            EverrunsClient stranger = CLIENTS.everruns().as(other.bearer());
            assertError(stranger.messages(c.session()), 404);
            assertError(stranger.say(c.session(), "hi"), 404);
            assertError(stranger.events(c.session(), Map.of()), 404);
            assertError(stranger.cancel(c.session()), 404);
            assertEquals(Map.of("data", List.of()), ok(c.client().messages(c.session())));
        }

        @Test
        void anyPrincipalOfTheOrganisationTakesPart() {
            EverrunsClient bob = CLIENTS.everruns().bearer(token(c.tenant().tenant(), "bob"));
            Response r = bob.say(c.session(), "from bob");
            assertEquals(201, r.statusCode(), r.asString());
            awaitEvents(c, count("session.idled", 1));
            assertEquals(2, data(ok(bob.messages(c.session()))).size());
        }

        @Test
        void aDeletedSessionIsGone() {
            say(c, "before delete");
            awaitEvents(c, count("session.idled", 1));
            assertEquals(204, c.client().delete(c.session()).statusCode());
            assertError(c.client().messages(c.session()), 404);
            assertError(c.client().say(c.session(), "after delete"), 404);
            assertError(c.client().events(c.session(), Map.of()), 404);
            assertError(c.client().cancel(c.session()), 404);
        }
    }
}
