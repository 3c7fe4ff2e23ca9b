package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.ExternalWorkers;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.SseFrames;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.RecoupClient;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A conversation through Recoup's chats (specs/recoup/chat-stream.yaml, chats.yaml): send and stream the answer as
 * the AI SDK UI message stream, read the history, stop mid-stream, resume a cut stream by {@code startIndex} (no
 * loss, no repeat), the errors, another account's session and a deleted one. Parameterized over the agent's
 * responder ({@code echo}, {@code script}) and an external worker over the runtime API ({@link ExternalWorkers}: an
 * agent with responder {@code none} plus the reference worker the test starts). Every stream a test reads is
 * validated frame by frame against the document (the harness's filter for whole bodies, {@link #validated} for
 * streams read live).
 */
class RecoupConversationIT {
    static final String SCRIPT = """
            rules:
              - match: "^slow"
                reply: "one two three four five six seven eight nine ten eleven twelve"
                delta_size: 3
                delay_ms: 120
              - match: "weather"
                tool_calls:
                  - {name: get_weather, arguments: {city: Paris}, result: "sunny"}
                reply: "It is sunny."
              - match: "^fail"
                fail: "the script says no"
            default: {reply: "you said: {input}", delta_size: 4}
            """;

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_RESPONDER_SCRIPT", script()));

    /** The external-worker case: the reference worker over the runtime API answers an agent of responder none. */
    @RegisterExtension
    static final ExternalWorkers WORKERS = new ExternalWorkers(GATEWAY);

    static final Clients CLIENTS = GATEWAY.clients();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<String, Provisioning.Tenant> TENANTS = new ConcurrentHashMap<>();

    static String script() {
        try {
            Path file = Files.createTempFile("recoup-script", ".yaml");
            Files.writeString(file, SCRIPT);
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tenant whose Recoup agent answers with this responder, and its member. */
    static Provisioning.Tenant tenant(String responder) {
        Provisioning.Tenant tenant = TENANTS.computeIfAbsent(responder, r -> {
            Provisioning.Tenant t = GATEWAY.provisioning().tenant();
            GATEWAY.provisioning()
                    .agent(t.tenant(), Map.of("name", "recoup", "responder", ExternalWorkers.agentResponder(r)));
            return t;
        });
        WORKERS.serve(tenant.tenant(), responder);
        return tenant;
    }

    static RecoupClient as(Provisioning.Tenant t) {
        return CLIENTS.recoup().as(t.bearer());
    }

    /** A new session: its id and its default chat's id. */
    record Chat(String session, String chat) {}

    static Chat session(RecoupClient me) {
        Response r = me.create(Map.of());
        assertEquals(200, r.statusCode(), r.asString());
        return new Chat(r.jsonPath().getString("session.id"), r.jsonPath().getString("chat.id"));
    }

    static Map<String, Object> send(Chat c, String text) {
        return Map.of("sessionId", c.session(), "chatId", c.chat(), "messages", List.of(RecoupClient.userText(text)));
    }

    /** What the responder answers to the text. */
    static String reply(String responder, String text) {
        return responder.equals("script") ? "you said: " + text : text;
    }

    static List<JsonNode> frames(String body) {
        return SseFrames.parse(body).stream().map(f -> f.get("data")).toList();
    }

    static List<String> types(List<JsonNode> chunks) {
        return chunks.stream()
                .map(c -> c.isTextual() ? c.asText() : c.path("type").asText())
                .toList();
    }

    static String deltas(List<JsonNode> chunks) {
        StringBuilder b = new StringBuilder();
        chunks.stream()
                .filter(c -> "text-delta".equals(c.path("type").asText()))
                .forEach(c -> b.append(c.path("delta").asText()));
        return b.toString();
    }

    static void assertError(Response r, int status, String message) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(Map.of("status", "error", "error", message), r.jsonPath().getMap(""));
    }

    /** The frames of a stream body, after checking them against the document. */
    static String validated(String method, String path, String body) {
        List<String> violations = GatewayHarness.validator().validate(method, path, 200, "text/event-stream", body);
        assertEquals(List.of(), violations, body);
        return body;
    }

    /** A stream read live, frame by frame, over a connection the test may cut. */
    static final class Live implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BufferedReader reader;
        final StringBuilder body = new StringBuilder();

        Live(HttpRequest request) throws IOException, InterruptedException {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /** Reads until {@code n} frames arrived in all (or the stream ended); the chunks so far. */
        List<JsonNode> until(int n) throws IOException {
            String line;
            while (frames(body.toString()).size() < n && (line = reader.readLine()) != null) {
                body.append(line).append('\n');
            }
            return frames(body.toString());
        }

        List<JsonNode> toEnd() throws IOException {
            return until(Integer.MAX_VALUE);
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    static HttpRequest.Builder request(Provisioning.Tenant t, String path) {
        return HttpRequest.newBuilder(URI.create(GATEWAY.baseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", t.bearer());
    }

    static Live post(Provisioning.Tenant t, Object body) throws IOException, InterruptedException {
        return new Live(request(t, "/api/chat")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build());
    }

    // ---- send, stream, history

    @ParameterizedTest
    @ValueSource(strings = {"echo", "script", ExternalWorkers.EXTERNAL})
    void sendStreamsTheAnswerAndTheChatKeepsBothMessages(String responder) {
        Provisioning.Tenant t = tenant(responder);
        RecoupClient me = as(t);
        Chat c = session(me);

        Response r = me.send(send(c, "hello there"));
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        assertEquals("v1", r.header("x-vercel-ai-ui-message-stream"));
        String run = r.header("x-workflow-run-id");
        assertNotNull(run);
        List<JsonNode> chunks = frames(r.asString());
        String messageId = chunks.get(0).path("messageId").asText();
        int deltas = (int) chunks.stream()
                .filter(ch -> "text-delta".equals(ch.path("type").asText()))
                .count();
        List<String> expected = new ArrayList<>(List.of("start", "start-step", "text-start"));
        for (int i = 0; i < deltas; i++) {
            expected.add("text-delta");
        }
        expected.addAll(List.of("text-end", "finish-step", "finish", "[DONE]"));
        assertEquals(expected, types(chunks), r.asString());
        assertTrue(deltas > 1, "the answer streams in pieces");
        assertEquals(reply(responder, "hello there"), deltas(chunks));
        assertEquals(Map.of("type", "start", "messageId", messageId), JSON.convertValue(chunks.get(0), Map.class));
        for (JsonNode ch : chunks.subList(2, chunks.size() - 4)) {
            assertEquals(messageId, ch.path("id").asText(), ch.toString());
        }
        assertEquals("stop", chunks.get(chunks.size() - 2).path("finishReason").asText());

        // the history: the user's message and the answer, whose id is the streamed one
        Response got = me.chat(c.session(), c.chat());
        assertEquals(200, got.statusCode(), got.asString());
        assertEquals(false, got.jsonPath().getBoolean("isStreaming"));
        List<Map<String, Object>> messages = got.jsonPath().getList("messages");
        assertEquals(2, messages.size(), got.asString());
        assertEquals(
                Map.of(
                        "id",
                        messages.get(0).get("id"),
                        "role",
                        "user",
                        "parts",
                        List.of(Map.of("type", "text", "text", "hello there"))),
                messages.get(0));
        assertEquals(
                Map.of(
                        "id",
                        messageId,
                        "role",
                        "assistant",
                        "parts",
                        List.of(Map.of("type", "text", "text", reply(responder, "hello there")))),
                messages.get(1));

        // unread until read
        Map<String, Object> summary = me.chats(c.session()).jsonPath().getMap("chats[0]");
        assertEquals(true, summary.get("hasUnread"));
        assertEquals(false, summary.get("isStreaming"));
        assertNotNull(summary.get("lastAssistantMessageAt"));
        assertEquals(200, me.markRead(c.session(), c.chat()).statusCode());
        assertEquals(false, me.chats(c.session()).jsonPath().getBoolean("chats[0].hasUnread"));

        // nothing runs any more: resume has nothing to give, stop nothing to stop
        Response resume = me.resume(c.chat(), null);
        assertEquals(204, resume.statusCode(), resume.asString());
        assertEquals("", resume.asString());
        Response stop = me.stop(c.chat());
        assertEquals(200, stop.statusCode(), stop.asString());
        assertEquals(Map.of("success", true, "stopped", false), stop.jsonPath().getMap(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "script", ExternalWorkers.EXTERNAL})
    void eachChatHasItsOwnHistory(String responder) {
        Provisioning.Tenant t = tenant(responder);
        RecoupClient me = as(t);
        Chat c = session(me);
        String extra = me.createChat(c.session(), null).jsonPath().getString("chat.id");
        Chat other = new Chat(c.session(), extra);
        assertEquals(200, me.send(send(other, "in the other chat")).statusCode());
        assertEquals(200, me.send(send(c, "in the first chat")).statusCode());

        List<Map<String, Object>> first =
                me.chat(c.session(), c.chat()).jsonPath().getList("messages");
        List<Map<String, Object>> second =
                me.chat(c.session(), extra).jsonPath().getList("messages");
        assertEquals(List.of("in the first chat", reply(responder, "in the first chat")), texts(first));
        assertEquals(List.of("in the other chat", reply(responder, "in the other chat")), texts(second));
    }

    @SuppressWarnings("unchecked")
    static List<String> texts(List<Map<String, Object>> messages) {
        return messages.stream()
                .map(m -> (String)
                        ((List<Map<String, Object>>) m.get("parts")).get(0).get("text"))
                .toList();
    }

    @Test
    void aToolCallStreamsItsInputAndOutputAndStaysInItsMessage() {
        Provisioning.Tenant t = tenant("script");
        RecoupClient me = as(t);
        Chat c = session(me);
        Response r = me.send(send(c, "weather in Paris?"));
        assertEquals(200, r.statusCode(), r.asString());
        List<JsonNode> chunks = frames(r.asString());
        assertEquals(
                List.of(
                        "start",
                        "start-step",
                        "tool-input-available",
                        "tool-output-available",
                        "text-start",
                        "text-delta",
                        "text-delta",
                        "text-end",
                        "finish-step",
                        "finish",
                        "[DONE]"),
                types(chunks),
                r.asString());
        JsonNode call = chunks.get(2);
        assertEquals("get_weather", call.path("toolName").asText());
        assertEquals(Map.of("city", "Paris"), JSON.convertValue(call.path("input"), Map.class));
        assertEquals(
                Map.of(
                        "type",
                        "tool-output-available",
                        "toolCallId",
                        call.path("toolCallId").asText(),
                        "output",
                        "sunny"),
                JSON.convertValue(chunks.get(3), Map.class));
        assertEquals("It is sunny.", deltas(chunks));

        List<Map<String, Object>> messages =
                me.chat(c.session(), c.chat()).jsonPath().getList("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertEquals(
                List.of(Map.of(
                        "type",
                        "tool-get_weather",
                        "toolCallId",
                        call.path("toolCallId").asText(),
                        "state",
                        "output-available",
                        "input",
                        Map.of("city", "Paris"),
                        "output",
                        "sunny")),
                messages.get(1).get("parts"));
        assertEquals("assistant", messages.get(2).get("role"));
    }

    @Test
    void aFailedAnswerEndsWithAnErrorChunk() {
        Provisioning.Tenant t = tenant("script");
        RecoupClient me = as(t);
        Chat c = session(me);
        Response r = me.send(send(c, "fail please"));
        assertEquals(200, r.statusCode(), r.asString());
        List<JsonNode> chunks = frames(r.asString());
        assertEquals(List.of("start", "start-step", "error", "[DONE]"), types(chunks), r.asString());
        assertEquals("the script says no", chunks.get(2).path("errorText").asText());
    }

    // ---- stop, busy, resume

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void stopCancelsTheRunningAnswerMidStream(String responder) throws Exception {
        WORKERS.slowly();
        Provisioning.Tenant t = tenant(responder);
        RecoupClient me = as(t);
        Chat c = session(me);
        try (Live live = post(t, send(c, "slow please"))) {
            assertEquals(200, live.response.statusCode());
            List<JsonNode> first = live.until(4); // start, start-step, text-start, a delta
            assertEquals(List.of("start", "start-step", "text-start", "text-delta"), types(first));

            // while it runs: the chat streams, a second message is refused
            Map<String, Object> summary = me.chats(c.session()).jsonPath().getMap("chats[0]");
            assertEquals(true, summary.get("isStreaming"));
            assertEquals(
                    live.response.headers().firstValue("x-workflow-run-id").orElseThrow(),
                    summary.get("activeStreamId"));
            assertError(me.send(send(c, "again")), 409, "Another workflow is already running for this chat");

            Response stop = me.stop(c.chat());
            assertEquals(200, stop.statusCode(), stop.asString());
            assertEquals(
                    Map.of("success", true, "stopped", true), stop.jsonPath().getMap(""));

            List<JsonNode> all = live.toEnd();
            List<String> types = types(all);
            assertEquals(List.of("abort", "[DONE]"), types.subList(types.size() - 2, types.size()), types.toString());
            assertEquals(
                    "client-cancelled", all.get(all.size() - 2).path("reason").asText());
            validated("POST", "/api/chat", live.body.toString());
        }
        WORKERS.assertStopped(responder, Duration.ofSeconds(15));
        Response again = me.stop(c.chat());
        assertEquals(Map.of("success", true, "stopped", false), again.jsonPath().getMap(""));
        assertEquals(false, me.chat(c.session(), c.chat()).jsonPath().getBoolean("isStreaming"));
        // the chat takes the next message
        assertEquals(200, me.send(send(c, "quick one")).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void aCutStreamResumesWhereItStoppedWithoutLossOrRepeat(String responder) throws Exception {
        WORKERS.slowly();
        Provisioning.Tenant t = tenant(responder);
        RecoupClient me = as(t);
        Chat c = session(me);
        List<JsonNode> before;
        try (Live live = post(t, send(c, "slow and steady"))) {
            before = live.until(5);
            validated("POST", "/api/chat", live.body.toString());
        } // the connection is cut mid-answer; the answer goes on

        try (Live resumed = new Live(request(t, "/api/chat/" + c.chat() + "/stream?startIndex=" + before.size())
                .GET()
                .build())) {
            assertEquals(200, resumed.response.statusCode());
            assertEquals(
                    "v1",
                    resumed.response
                            .headers()
                            .firstValue("x-vercel-ai-ui-message-stream")
                            .orElseThrow());
            List<JsonNode> rest = resumed.toEnd();
            validated("GET", "/api/chat/" + c.chat() + "/stream", resumed.body.toString());
            List<JsonNode> whole = new ArrayList<>(before);
            whole.addAll(rest);
            List<String> types = types(whole);
            assertEquals("start", types.get(0));
            assertEquals(1, types.stream().filter("start"::equals).count(), types.toString());
            assertEquals(1, types.stream().filter("finish"::equals).count(), types.toString());
            assertEquals(List.of("finish-step", "finish", "[DONE]"), types.subList(types.size() - 3, types.size()));
            assertEquals(
                    responder.equals("script")
                            ? "one two three four five six seven eight nine ten eleven twelve"
                            : "slow and steady",
                    deltas(whole),
                    "every delta once, in order");
        }
        // a resume from the start replays nothing once the answer ended
        assertEquals(204, me.resume(c.chat(), null).statusCode());
    }

    @Test
    void aResumeFromTheStartReplaysTheWholeAnswer() throws Exception {
        Provisioning.Tenant t = tenant("script");
        Chat c = session(as(t));
        List<JsonNode> original;
        try (Live live = post(t, send(c, "slow replay"))) {
            live.until(3);
            try (Live replay = new Live(
                    request(t, "/api/chat/" + c.chat() + "/stream").GET().build())) {
                List<JsonNode> again = replay.toEnd();
                original = live.toEnd();
                assertEquals(original, again);
                validated("GET", "/api/chat/" + c.chat() + "/stream", replay.body.toString());
            }
        }
    }

    // ---- errors and visibility

    @Test
    void badBodiesAre400() {
        Provisioning.Tenant t = tenant("echo");
        RecoupClient me = as(t);
        Chat c = session(me);
        assertError(
                me.send(Map.of("chatId", c.chat(), "sessionId", c.session())),
                400,
                "messages must be a non-empty array");
        assertError(
                me.send(Map.of("chatId", c.chat(), "sessionId", c.session(), "messages", List.of())),
                400,
                "messages must be a non-empty array");
        assertError(
                me.send(Map.of("sessionId", c.session(), "messages", List.of(RecoupClient.userText("x")))),
                400,
                "chatId is required");
        assertError(
                me.send(Map.of("chatId", c.chat(), "messages", List.of(RecoupClient.userText("x")))),
                400,
                "sessionId is required");
        Map<String, Object> assistant = new HashMap<>(RecoupClient.userText("x"));
        assistant.put("role", "assistant");
        assertError(
                me.send(Map.of("chatId", c.chat(), "sessionId", c.session(), "messages", List.of(assistant))),
                400,
                "the last message must be the user's");
        Map<String, Object> withLimit = new HashMap<>(send(c, "x"));
        withLimit.put("contextLimit", 0);
        assertError(me.send(withLimit), 400, "contextLimit must be a positive integer");
    }

    @Test
    void unknownDeletedAndOtherAccountsChatsAreRefused() {
        Provisioning.Tenant t = tenant("echo");
        RecoupClient me = as(t);
        Chat c = session(me);
        String unknownChat = UUID.randomUUID().toString();
        assertError(me.send(send(new Chat(c.session(), unknownChat), "x")), 404, "Chat not found");
        assertError(me.stop(unknownChat), 404, "Chat not found");
        assertError(me.resume(unknownChat, null), 404, "Chat not found");
        assertError(me.stop("not-a-chat"), 404, "Chat not found");
        String unknown = "session_" + UUID.randomUUID().toString().replace("-", "");
        assertError(me.send(send(new Chat(unknown, c.chat()), "x")), 404, "session '" + unknown + "' not found");

        RecoupClient stranger = CLIENTS.recoup().bearer(fullToken(t.tenant(), "mallory", UUID.randomUUID(), List.of()));
        String forbidden = "not authorized to access session '" + c.session() + "'";
        assertError(stranger.send(send(c, "x")), 403, forbidden);
        assertError(stranger.stop(c.chat()), 403, "not authorized to access session '" + c.chat() + "'");
        assertError(stranger.resume(c.chat(), null), 403, "not authorized to access session '" + c.chat() + "'");

        assertEquals(200, me.delete(c.session()).statusCode());
        assertError(me.send(send(c, "x")), 404, "session '" + c.session() + "' not found");
        assertError(me.stop(c.chat()), 404, "Chat not found");
        assertError(me.resume(c.chat(), null), 404, "Chat not found");
        Response none = CLIENTS.recoup().send(send(c, "x"));
        assertEquals(401, none.statusCode(), none.asString());
    }
}
