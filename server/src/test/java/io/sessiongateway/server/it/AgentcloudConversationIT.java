package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.ExternalWorkers;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Agentcloud conversation over real HTTP (specs/agentcloud/messages.yaml): send a message, watch the answer
 * arrive by polling {@code messages.json?messageId=} (the vendor's live chat is socket.io, which the gateway does not
 * serve), read the history, cancel a long turn mid-answer, resume polling after a pause without loss or repeat; the
 * session's status {@code started → running → waiting}, {@code terminated} after cancel. Every error for its reason;
 * visibility and deleted sessions as retrieve has them. Every response is validated against its document, and
 * every assertion covers status, content type and the whole body.
 *
 * <p>The conversation runs against each way an agent can answer ({@link Answering}): the built-in {@code echo} and
 * {@code script} responders. An external worker over the runtime API is one more {@link Answering}: an agent with
 * responder {@code none} (or the worker's own name) and a {@code start} that launches the worker.
 */
class AgentcloudConversationIT {
    static final Path SCRIPT = script();

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_RESPONDER_SCRIPT", SCRIPT.toString()));

    /** The external-worker case: the reference worker over the runtime API answers an app of responder none. */
    @RegisterExtension
    static final ExternalWorkers WORKERS = new ExternalWorkers(GATEWAY);

    static final Clients CLIENTS = GATEWAY.clients();
    static final AgentcloudClient AGENTCLOUD = CLIENTS.agentcloud();
    static final String UNKNOWN = "0123456789abcdef01234567";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The slow rule's reply: one character every 250 ms, so its turn runs for about ten seconds. */
    static final String SLOW_REPLY = "a slow answer, one character at a time, ten seconds long";

    static String org;
    static UUID account;
    static String team;
    static String otherTeam;

    /** The script responder's rules (ScriptResponder's YAML). */
    static Path script() {
        try {
            Path file = Files.createTempFile("agentcloud-conversation", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                    rules:
                      - match: "^slow"
                        reply: "%s"
                        delta_size: 1
                        delay_ms: 250
                      - match: "(?i)weather"
                        tool_calls:
                          - {name: get_weather, arguments: {city: Paris}, result: "sunny"}
                        reply: "It is sunny in Paris."
                        delta_size: 4
                        delay_ms: 300
                      - match: "^fail"
                        fail: "the script says no"
                    default: {reply: "Script says: {input}", delta_size: 5}
                    """.formatted(SLOW_REPLY));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What answers the agent's turns: its responder's name, the reply it gives to a plain message, and what the test
     * starts beside the gateway for it (nothing for the built-in responders; a worker over the runtime API for
     * {@code none}).
     */
    record Answering(String responder, UnaryOperator<String> reply, Runnable start) {
        @Override
        public String toString() {
            return responder;
        }
    }

    static Stream<Answering> answering() {
        return Stream.of(
                new Answering("echo", text -> text, () -> {}),
                new Answering("script", text -> "Script says: " + text, () -> {}),
                new Answering("none", text -> text, () -> WORKERS.serve(org, ExternalWorkers.EXTERNAL)));
    }

    @BeforeAll
    static void provision() {
        org = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        team = agent("echo").team();
        otherTeam = GATEWAY.provisioning().team(org, "other");
    }

    /** An app of the tenant's default team whose turns the responder answers. */
    record App(String id, String team, String name) {}

    static App agent(String responder) {
        String name = responder + "-" + UUID.randomUUID().toString().substring(0, 8);
        Response r = CLIENTS.admin(org).createAgent(org, Map.of("name", name, "responder", responder));
        assertEquals(201, r.statusCode(), r.asString());
        return new App(r.jsonPath().getString("ids.agentcloud"), r.jsonPath().getString("team"), name);
    }

    static String member(String subject) {
        return "Bearer " + fullToken(org, subject, account, List.of(team));
    }

    static String outsider() {
        return "Bearer " + fullToken(org, "mallory", null, List.of(otherTeam));
    }

    /** A new session of the app, created by the member; returns its id. */
    static String create(String bearer, App app) {
        Response r = AGENTCLOUD.as(bearer).create(app.team(), Map.of("id", app.id()));
        assertEquals(200, r.statusCode(), r.asString());
        return AgentcloudClient.createdId(r);
    }

    static Map<String, Object> session(String bearer, String id) {
        Response r = AGENTCLOUD.as(bearer).get(team, id);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getMap("session");
    }

    static String status(String bearer, String id) {
        return (String) session(bearer, id).get("status");
    }

    static void share(String id, String mode) {
        Response r =
                CLIENTS.admin(org).updateSession(id, Map.of("sharing", Map.of("mode", mode, "permissions", Map.of())));
        assertEquals(200, r.statusCode(), r.asString());
    }

    static void assertJson(Response r) {
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    }

    static void assertError(Response r, int status, String message) {
        assertEquals(status, r.statusCode(), r.asString());
        assertJson(r);
        assertEquals(Map.of("code", status, "message", message), r.jsonPath().getMap(""), r.asString());
    }

    static void assertErrorStarts(Response r, int status, String messageStart) {
        assertEquals(status, r.statusCode(), r.asString());
        assertJson(r);
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(Set.of("code", "message"), body.keySet(), r.asString());
        assertEquals(status, body.get("code"));
        assertTrue(((String) body.get("message")).startsWith(messageStart), r.asString());
    }

    static void assertSent(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertJson(r);
        assertEquals("{\"message\":\"Message sent successfully\"}", r.asString());
    }

    /** messages.json (after {@code messageId} unless null); asserts 200 and a JSON array. */
    static List<Map<String, Object>> messages(String bearer, String id, String messageId) {
        Response r = messageId == null
                ? AGENTCLOUD.as(bearer).messages(team, id)
                : AGENTCLOUD.as(bearer).messagesAfter(team, id, messageId);
        assertEquals(200, r.statusCode(), r.asString());
        assertJson(r);
        return r.jsonPath().getList("");
    }

    /** Polls every message until the list satisfies the condition. */
    static List<Map<String, Object>> awaitMessages(
            String bearer, String id, Predicate<List<Map<String, Object>>> done) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            List<Map<String, Object>> all = messages(bearer, id, null);
            if (done.test(all)) {
                return all;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("messages never got there: " + all);
            }
            pause(100);
        }
    }

    static void awaitStatus(String bearer, String id, String status) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!status.equals(status(bearer, id))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("status never became " + status + ": " + session(bearer, id));
            }
            pause(50);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String text(Map<String, Object> chat) {
        return (String) ((Map<?, ?>) ((Map<?, ?>) chat.get("message")).get("message")).get("text");
    }

    static List<String> texts(List<Map<String, Object>> chats) {
        return chats.stream().map(AgentcloudConversationIT::text).toList();
    }

    static List<String> ids(List<Map<String, Object>> chats) {
        return chats.stream().map(m -> (String) m.get("_id")).toList();
    }

    /**
     * Asserts a whole chat message: every property as the gateway writes it, with the generated values ({@code _id},
     * {@code chunkId}, {@code ts}) checked for form and window and taken from the message itself.
     */
    static void assertChat(
            Map<String, Object> actual,
            Map<String, Object> session,
            boolean incoming,
            String author,
            String text,
            String displayType,
            Instant from,
            Instant to) {
        String id = (String) actual.get("_id");
        String chunkId = (String) actual.get("chunkId");
        Object ts = actual.get("ts");
        assertTrue(id != null && id.matches("^[0-9a-f]{24}$"), actual.toString());
        assertEquals(UUID.fromString(chunkId).toString(), chunkId);
        long millis = ((Number) ts).longValue();
        assertTrue(
                millis >= from.toEpochMilli() - 5 && millis <= to.toEpochMilli() + 5,
                ts + " in [" + from + ", " + to + "]");

        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("type", "text");
        inner.put("text", text);
        inner.put("chunkId", chunkId);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", "_" + session.get("_id"));
        payload.put("authorName", author);
        payload.put("message", inner);
        payload.put("event", "message");
        payload.put("incoming", incoming);
        payload.put("ts", ts);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("_id", id);
        expected.put("orgId", session.get("orgId"));
        expected.put("teamId", session.get("teamId"));
        expected.put("sessionId", session.get("_id"));
        expected.put("chunkId", chunkId);
        expected.put("message", payload);
        expected.put("ts", ts);
        expected.put("authorId", null);
        expected.put("authorName", author);
        expected.put("isFeedback", false);
        expected.put("displayType", displayType);
        expected.put("tokens", 0);
        expected.put("chunks", List.of(Map.of("ts", ts, "chunk", text, "tokens", 0)));
        assertEquals(expected, actual);
    }

    // ---- the conversation

    @ParameterizedTest(name = "{0}")
    @MethodSource("answering")
    void aConversationSendsReadsAndWaitsForTheNextMessage(Answering answering) {
        answering.start().run();
        App app = agent(answering.responder());
        String alice = member("alice");
        String id = create(alice, app);
        Map<String, Object> created = session(alice, id);
        assertEquals("started", created.get("status"));
        assertEquals(List.of(), messages(alice, id, null), "a new session has no messages");

        Instant before = Instant.now();
        assertSent(AGENTCLOUD.as(alice).send(team, id, "hello there"));
        List<Map<String, Object>> first = awaitMessages(alice, id, all -> all.size() == 2);
        Instant after = Instant.now();
        assertChat(first.get(0), created, true, "External API", "hello there", "bubble", before, after);
        assertChat(
                first.get(1),
                created,
                false,
                app.name(),
                answering.reply().apply("hello there"),
                "bubble",
                before,
                after);
        awaitStatus(alice, id, "waiting");

        Instant before2 = Instant.now();
        assertSent(AGENTCLOUD.as(alice).send(team, id, "and again"));
        List<Map<String, Object>> all = awaitMessages(alice, id, m -> m.size() == 4);
        assertEquals(first, all.subList(0, 2), "history stays as it was");
        assertChat(all.get(2), created, true, "External API", "and again", "bubble", before2, Instant.now());
        assertEquals(answering.reply().apply("and again"), text(all.get(3)));
        awaitStatus(alice, id, "waiting");

        // Reading history: every message after one, as a poller that has the first two asks.
        assertEquals(all.subList(2, 4), messages(alice, id, (String) all.get(1).get("_id")));
        assertEquals(all.subList(1, 4), messages(alice, id, (String) all.get(0).get("_id")));
        assertEquals(List.of(), messages(alice, id, (String) all.get(3).get("_id")), "nothing after the last");
        assertEquals(4, new HashSet<>(ids(all)).size(), "distinct _ids");
        List<String> sorted = ids(all).stream().sorted().toList();
        assertEquals(sorted, ids(all), "in _id order, as the vendor lists them");

        // Another member of the team reads the same conversation; the session shows its last update.
        assertEquals(all, messages(member("bob"), id, null));
    }

    @Test
    void toolCallsAndResultsShowInlineAndPollingAfterAPauseLosesAndRepeatsNothing() {
        App app = agent("script");
        String alice = member("alice");
        String id = create(alice, app);
        Map<String, Object> created = session(alice, id);
        Instant before = Instant.now();
        assertSent(AGENTCLOUD.as(alice).send(team, id, "what is the weather?"));

        // A client that polls with the last _id it has, and stops for a while in the middle (a cut connection).
        List<Map<String, Object>> seen = new ArrayList<>();
        String last = null;
        Instant deadline = Instant.now().plus(PATIENCE);
        int polls = 0;
        while (seen.size() < 4) {
            List<Map<String, Object>> page = messages(alice, id, last);
            seen.addAll(page);
            if (!page.isEmpty()) {
                last = (String) page.get(page.size() - 1).get("_id");
            }
            assertTrue(Instant.now().isBefore(deadline), "the turn never finished: " + seen);
            pause(++polls == 3 ? 900 : 60);
        }
        Instant after = Instant.now();
        List<Map<String, Object>> all = messages(alice, id, null);
        assertEquals(all, seen, "polling lost or repeated nothing");
        assertEquals(4, all.size(), all.toString());
        assertChat(all.get(0), created, true, "External API", "what is the weather?", "bubble", before, after);
        assertChat(
                all.get(1), created, false, app.name(), "get_weather({\"city\":\"Paris\"})", "inline", before, after);
        assertChat(all.get(2), created, false, app.name(), "sunny", "inline", before, after);
        assertChat(all.get(3), created, false, app.name(), "It is sunny in Paris.", "bubble", before, after);
        awaitStatus(alice, id, "waiting");
    }

    @Test
    void aFailedTurnLeavesTheSessionWaitingForTheNextMessage() {
        App app = agent("script");
        String alice = member("alice");
        String id = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, id, "fail please"));
        awaitStatus(alice, id, "waiting");
        assertEquals(List.of("fail please"), texts(messages(alice, id, null)), "the failure writes no message");
        assertEquals(List.of("error:the script says no"), turns(id));

        assertSent(AGENTCLOUD.as(alice).send(team, id, "hi"));
        awaitMessages(alice, id, m -> m.size() == 3);
        assertEquals(List.of("fail please", "hi", "Script says: hi"), texts(messages(alice, id, null)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", ExternalWorkers.EXTERNAL})
    void cancelStopsTheRunningTurnMidAnswerAndTheTerminatedSessionRefusesMessages(String responder)
            throws InterruptedException {
        WORKERS.slowly().serve(org, responder);
        App app = agent(ExternalWorkers.agentResponder(responder));
        String alice = member("alice");
        String id = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, id, "slow please"));
        awaitStatus(alice, id, "running");
        // The worker has claimed the turn and streams its first characters.
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!turns(id).equals(List.of("running:"))) {
            assertTrue(Instant.now().isBefore(deadline), "never claimed: " + turns(id));
            pause(50);
        }
        pause(500);

        Response cancelled = AGENTCLOUD.as(alice).cancel(team, id);
        assertEquals(200, cancelled.statusCode(), cancelled.asString());
        assertJson(cancelled);
        assertEquals("{}", cancelled.asString());
        assertEquals("terminated", status(alice, id));
        assertEquals(List.of("cancelled:client-cancelled"), turns(id));

        // The worker learns it on its next write and stops: no agent message ever comes.
        pause(1500);
        WORKERS.assertStopped(responder, PATIENCE);
        assertEquals(List.of("slow please"), texts(messages(alice, id, null)));
        assertEquals("terminated", status(alice, id));

        assertError(
                AGENTCLOUD.as(alice).send(team, id, "are you there?"),
                400,
                "Attempting to send message to inactive session.");
        assertEquals(List.of("slow please"), texts(messages(alice, id, null)), "a refused message is not stored");
        // Cancelling again changes nothing.
        assertEquals("{}", AGENTCLOUD.as(alice).cancel(team, id).asString());
        assertEquals(List.of("cancelled:client-cancelled"), turns(id));
    }

    /** The session's turns, oldest first, as {@code status:cancel_reason} or {@code status:error}. */
    static List<String> turns(String objectId) {
        try (Connection c = GATEWAY.connectDatabase();
                PreparedStatement s = c.prepareStatement("SELECT t.status, t.cancel_reason, t.error FROM turn t"
                        + " JOIN session s ON s.id = t.session_id WHERE s.object_id = ? ORDER BY t.number")) {
            s.setString(1, objectId);
            List<String> turns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String why = rs.getString(2) != null ? rs.getString(2) : rs.getString(3);
                    turns.add(rs.getString(1) + ":" + (why == null ? "" : why));
                }
            }
            return turns;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- errors

    @Test
    void badIdsAndBadMessageIdsAre400() {
        App app = agent("echo");
        String alice = member("alice");
        String id = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, id, "hello"));
        List<Map<String, Object>> all = awaitMessages(alice, id, m -> m.size() == 2);
        String elsewhere = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, elsewhere, "elsewhere"));
        String foreign = (String)
                awaitMessages(alice, elsewhere, m -> m.size() == 2).get(0).get("_id");

        assertError(
                AGENTCLOUD.as(alice).messages(team, "not-an-id"),
                400,
                "sessionId must be an ObjectId: 24 lowercase hex digits");
        assertError(
                AGENTCLOUD.as(alice).messages("not-a-team", id),
                400,
                "resourceSlug must be an ObjectId: 24 lowercase hex digits");
        assertError(AGENTCLOUD.as(alice).messagesAfter(team, id, "abc"), 400, "Message ID is not of the right length");
        assertError(AGENTCLOUD.as(alice).messagesAfter(team, id, ""), 400, "Message ID is not of the right length");
        assertError(
                AGENTCLOUD.as(alice).messagesAfter(team, id, "ZZZZZZZZZZZZZZZZZZZZZZZZ"),
                400,
                "Message ID must be an ObjectId: 24 lowercase hex digits");
        assertError(
                AGENTCLOUD.as(alice).messagesAfter(team, id, UNKNOWN),
                400,
                "Invalid inputs: no message of this session has that id");
        assertError(
                AGENTCLOUD.as(alice).messagesAfter(team, id, foreign),
                400,
                "Invalid inputs: no message of this session has that id");
        Response twice = AGENTCLOUD
                .as(alice)
                .request()
                .queryParam("messageId", all.get(0).get("_id"), all.get(1).get("_id"))
                .get(AgentcloudClient.MESSAGES, team, id);
        assertError(twice, 400, "Message ID must be given once");
        assertErrorStarts(AGENTCLOUD.as(alice).messages(team, UNKNOWN), 400, "Invalid inputs");

        assertError(
                AGENTCLOUD.as(alice).send(team, "not-an-id", "hi"),
                400,
                "sessionId must be an ObjectId: 24 lowercase hex digits");
        assertError(AGENTCLOUD.as(alice).send(team, UNKNOWN, "hi"), 400, "Session not found");
        assertError(AGENTCLOUD.as(alice).send(otherTeam, id, "hi"), 403, "invalid permissions on the resourceSlug");
        assertEquals(List.of("hello", "hello"), texts(messages(alice, id, null)), "nothing was stored");
    }

    @Test
    void badBodiesAre400AndStoreNothing() {
        App app = agent("echo");
        String alice = member("alice");
        String id = create(alice, app);
        assertError(AGENTCLOUD.as(alice).sendBody(team, id, null), 400, "request body is required");
        assertError(AGENTCLOUD.as(alice).sendBody(team, id, Map.of()), 400, "messageText is required");
        assertError(AGENTCLOUD.as(alice).sendBody(team, id, Map.of("messageText", "")), 400, "Message Text is empty");
        Map<String, Object> nullText = new LinkedHashMap<>();
        nullText.put("messageText", null);
        assertError(AGENTCLOUD.as(alice).sendBody(team, id, nullText), 400, "Message Text is empty");
        assertErrorStarts(AGENTCLOUD.as(alice).sendBody(team, id, Map.of("messageText", 5)), 400, "");
        assertErrorStarts(AGENTCLOUD.as(alice).sendBody(team, id, List.of("hi")), 400, "");
        Response notJson = AGENTCLOUD
                .as(alice)
                .request()
                .contentType("application/json")
                .body("{\"messageText\": ")
                .post(AgentcloudClient.SEND_MESSAGE, team, id);
        assertErrorStarts(notJson, 400, "");
        assertEquals(List.of(), messages(alice, id, null));
        assertEquals("started", status(alice, id));
    }

    @Test
    void credentialsAndMembershipComeBeforeTheBody() {
        App app = agent("echo");
        String id = create(member("alice"), app);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put(outsider(), "invalid permissions on the resourceSlug");
        refusals.put(null, "");
        refusals.put("Bearer garbage", "");
        refusals.forEach((who, message) -> {
            for (Response r : List.of(
                    AGENTCLOUD.as(who).sendBody(team, id, Map.of()),
                    AGENTCLOUD.as(who).sendBody(team, id, List.of()),
                    AGENTCLOUD.as(who).send(team, id, "hi"),
                    AGENTCLOUD.as(who).messages(team, id),
                    AGENTCLOUD.as(who).messagesAfter(team, id, "abc"))) {
                assertErrorStarts(r, 403, message);
            }
        });
        assertEquals(List.of(), messages(member("alice"), id, null));
    }

    // ---- visibility

    @Test
    void messagesFollowRetrievesRuleAndOnlyMembersWhoMayReadSend() {
        App app = agent("echo");
        String alice = member("alice");
        String bob = member("bob");
        String id = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, id, "hello"));
        List<Map<String, Object>> all = awaitMessages(alice, id, m -> m.size() == 2);

        // restricted: the owner only (bob is a member of the team, but neither owner nor granted)
        share(id, "restricted");
        assertEquals(all, messages(alice, id, null));
        assertError(AGENTCLOUD.as(bob).messages(team, id), 403, "invalid permissions on the resourceSlug");
        assertError(
                AGENTCLOUD.as(bob).send(team, id, "let me in"), 403, "not authorized to access session '" + id + "'");

        // public: anyone reads, without credentials; sending still needs a member
        share(id, "public");
        assertEquals(all, messages(null, id, null));
        assertEquals(
                all.subList(1, 2), messages(outsider(), id, (String) all.get(0).get("_id")));
        assertError(AGENTCLOUD.as(null).send(team, id, "hi"), 403, "missing authentication token");
        assertError(AGENTCLOUD.as(outsider()).send(team, id, "hi"), 403, "invalid permissions on the resourceSlug");
        assertSent(AGENTCLOUD.as(bob).send(team, id, "bob here"));
        assertEquals(
                List.of("hello", "hello", "bob here", "bob here"), texts(awaitMessages(alice, id, m -> m.size() == 4)));

        // a session of another team, under this team's slug: not in this team (the vendor's query is by team)
        String elsewhereTeam = GATEWAY.provisioning().team(org, "elsewhere-" + UUID.randomUUID());
        String both = "Bearer " + fullToken(org, "carol", account, List.of(team, elsewhereTeam));
        String theirs = create(
                both,
                new App(
                        GATEWAY.provisioning()
                                .agentInTeam(org, "elsewhere-" + UUID.randomUUID(), elsewhereTeam)
                                .agentcloudId(),
                        elsewhereTeam,
                        "elsewhere"));
        assertErrorStarts(AGENTCLOUD.as(both).messages(team, theirs), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(both).send(team, theirs, "hi"), 400, "Session not found");
    }

    @Test
    void aDeletedSessionHasNoMessagesToReadOrSendTo() {
        App app = agent("echo");
        String alice = member("alice");
        String id = create(alice, app);
        assertSent(AGENTCLOUD.as(alice).send(team, id, "hello"));
        String first =
                (String) awaitMessages(alice, id, m -> m.size() == 2).get(0).get("_id");
        Response deleted = AGENTCLOUD.as(alice).delete(team, id);
        assertEquals(200, deleted.statusCode(), deleted.asString());

        assertErrorStarts(AGENTCLOUD.as(alice).messages(team, id), 400, "Invalid inputs");
        assertErrorStarts(AGENTCLOUD.as(alice).messagesAfter(team, id, first), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(alice).send(team, id, "still there?"), 400, "Session not found");
        assertError(AGENTCLOUD.as(outsider()).messages(team, id), 403, "invalid permissions on the resourceSlug");
        assertError(AGENTCLOUD.as(null).messages(team, id), 403, "invalid permissions on the resourceSlug");
    }
}
