package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.ReadmeTable;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Agent;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.RecoupClient;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-dialect CONVERSATION matrix (issue #13 item 6): README "Every conversation write, read back through every
 * dialect", row by row. Each row is one conversation write through one dialect (a message answered by the
 * {@code echo} responder, or a cancel of a running {@code script} turn); the conversation is then read through
 * TrueFoundry (turns list, each turn's get, session events), Everruns (messages, events, session), Agentcloud
 * (messages.json, its {@code messageId} cursor, session) and Recoup (the default chat with its messages, session).
 * Each reader's view must be exactly the row's cell; an id placeholder ({@code <U>}: the user's message, {@code <A>}:
 * the agent's, {@code <T>}: the turn) binds to the canonical UUID the first time it is seen and must name the same
 * UUID in every other dialect's format. Every response is validated against its document by the clients.
 */
class CrossDialectConversationIT {
    static final Path SCRIPT = script();

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_RESPONDER_SCRIPT", SCRIPT.toString()));

    static final Clients CLIENTS = GATEWAY.clients();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path README = Path.of("..", "README.md");
    static final String HEADING = "#### Every conversation write, read back through every dialect";
    static final List<String> READERS = List.of("TrueFoundry", "Everruns", "Agentcloud", "Recoup");
    static final Pattern FIELD = Pattern.compile("`([^`]+)`: `([^`]*)`");
    static final Pattern WRITE = Pattern.compile("^([A-Za-z]+ [A-Za-z/ -]+?)(?: `(.*)`)?$");
    static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z])>");
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The script responder's rules: {@code slow…} answers one character every 500 ms (a turn of about 20 s). */
    static Path script() {
        try {
            Path file = Files.createTempFile("cross-conversation", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                    rules:
                      - match: "^slow"
                        reply: "a slow answer, one character at a time"
                        delta_size: 1
                        delay_ms: 500
                    default: {reply: "Script says: {input}"}
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row of the README table. */
    record Row(String write, String text, String before, Map<String, String> cells) {
        @Override
        public String toString() {
            return write + (text == null ? "" : " " + text) + " after " + before;
        }
    }

    static List<Row> rows() {
        List<String> header = List.of("write", "before", "TrueFoundry", "Everruns", "Agentcloud", "Recoup");
        List<Row> rows = new ArrayList<>();
        for (List<String> cells : ReadmeTable.rows(README, HEADING, header)) {
            Matcher w = WRITE.matcher(cells.get(0));
            assertTrue(w.matches(), "write cell: " + cells.get(0));
            Map<String, String> byReader = new LinkedHashMap<>();
            for (int c = 2; c < 6; c++) {
                byReader.put(header.get(c), cells.get(c));
            }
            rows.add(new Row(w.group(1), w.group(2), cells.get(1), byReader));
        }
        return rows;
    }

    static Map<String, Object> expectation(String cell) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(cell);
        while (m.find()) {
            try {
                fields.put(m.group(1), JSON.readValue(m.group(2), Object.class));
            } catch (JsonProcessingException e) {
                throw new AssertionError("cell value is not JSON: " + m.group(2), e);
            }
        }
        assertEquals(cell.split("`: ").length - 1, fields.size(), "every field of the cell parses: " + cell);
        return fields;
    }

    @Test
    void theReadmeTableCoversEveryConversationWriteOfEveryDialect() {
        Set<String> writes = new HashSet<>();
        for (Row r : rows()) {
            writes.add(r.write());
        }
        assertEquals(
                Set.of(
                        "TrueFoundry create turn",
                        "Everruns POST message",
                        "Agentcloud send-message",
                        "Recoup POST /api/chat",
                        "TrueFoundry cancel",
                        "Everruns cancel",
                        "Agentcloud cancel",
                        "Recoup stop"),
                writes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachConversationWriteReadsBackThroughEveryDialect(Row row) {
        Tenant t = CLIENTS.provisioning().tenant();
        boolean slow = row.before().startsWith("Everruns POST message `slow");
        String agent = t.agent().everrunsId();
        if (slow) {
            Agent script =
                    CLIENTS.provisioning().agent(t.tenant(), Map.of("name", "slow-writer", "responder", "script"));
            agent = script.everrunsId();
        }
        Response created = CLIENTS.everruns().as(t.bearer()).create(Map.of("agent_id", agent));
        assertEquals(201, created.statusCode(), created.asString());
        Created c = Sessions.complete(
                CLIENTS, t, new Created("everruns", created.jsonPath().getString("id"), null));
        if (slow) {
            Response r = CLIENTS.everruns().as(t.bearer()).say(c.publicId(), "slow, please");
            assertEquals(201, r.statusCode(), r.asString());
            await(t, c, types -> types.contains("turn.started"), "the slow turn starts");
        } else if (!row.before().equals("—")) {
            Matcher b = WRITE.matcher(row.before().replaceFirst(" \\(answered\\)$", ""));
            assertTrue(b.matches(), "before cell: " + row.before());
            write(t, c, new Row(b.group(1), b.group(2), "—", Map.of()));
            await(t, c, types -> types.contains("session.idled"), "the first turn ends");
            await(t, c, types -> !"active".equals(everrunsStatus(t, c)), "the session is no longer active");
        }

        write(t, c, row);
        await(t, c, types -> types.contains("session.idled") || types.contains("turn.cancelled"), "the turn ends");
        await(t, c, types -> !"active".equals(everrunsStatus(t, c)), "the session is no longer active");

        Map<String, Map<String, Object>> views = readAll(t, c);
        Map<String, String> bound = new LinkedHashMap<>();
        StringBuilder actualRow = new StringBuilder();
        for (String reader : READERS) {
            actualRow.append(" | ").append(cell(views.get(reader)));
        }
        for (String reader : READERS) {
            Map<String, Object> expected = expectation(row.cells().get(reader));
            Map<String, Object> view = views.get(reader);
            assertEquals(
                    expected.keySet(),
                    view.keySet(),
                    reader + ": the README's cell lists exactly what is read\nactual row:" + actualRow);
            for (String key : expected.keySet()) {
                unify(expected.get(key), view.get(key), bound, reader + " " + key + "\nactual row:" + actualRow);
            }
        }
    }

    /** Performs the row's write and asserts the vendor's success answer. */
    static void write(Tenant t, Created c, Row row) {
        String bearer = t.bearer();
        Response r;
        switch (row.write()) {
            case "TrueFoundry create turn" -> {
                r = CLIENTS.trueFoundry()
                        .as(bearer)
                        .createTurn(
                                t.tenant(),
                                c.publicId(),
                                Map.of("input", List.of(Map.of("type", "user.message", "content", row.text()))));
                assertEquals(200, r.statusCode(), r.asString());
                assertTrue(r.asString().contains("turn.done"), r.asString());
            }
            case "Everruns POST message" -> {
                r = CLIENTS.everruns().as(bearer).say(c.publicId(), row.text());
                assertEquals(201, r.statusCode(), r.asString());
            }
            case "Agentcloud send-message" -> {
                r = CLIENTS.agentcloud().as(bearer).send(t.team(), c.objectId(), row.text());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("message", "Message sent successfully"),
                        r.jsonPath().getMap(""));
            }
            case "Recoup POST /api/chat" -> {
                r = CLIENTS.recoup()
                        .as(bearer)
                        .send(Map.of(
                                "sessionId",
                                c.publicId(),
                                "chatId",
                                uuid(c.publicId()),
                                "messages",
                                List.of(RecoupClient.userText(row.text()))));
                assertEquals(200, r.statusCode(), r.asString());
                assertTrue(r.asString().endsWith("data: [DONE]\n\n"), r.asString());
            }
            case "TrueFoundry cancel" -> {
                r = CLIENTS.trueFoundry().as(bearer).cancel(t.tenant(), c.publicId(), Map.of());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            }
            case "Everruns cancel" -> {
                r = CLIENTS.everruns().as(bearer).cancel(c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("status", "cancelled", "message", "Turn cancelled successfully"),
                        r.jsonPath().getMap(""));
            }
            case "Agentcloud cancel" -> {
                r = CLIENTS.agentcloud().as(bearer).cancel(t.team(), c.objectId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            }
            case "Recoup stop" -> {
                r = CLIENTS.recoup().as(bearer).stop(uuid(c.publicId()));
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("success", true, "stopped", true), r.jsonPath().getMap(""));
            }
            default -> fail("no such write in this test: " + row.write());
        }
    }

    /** Each reader's view of the conversation, in the README cell's terms. */
    static Map<String, Map<String, Object>> readAll(Tenant t, Created c) {
        Map<String, Map<String, Object>> views = new LinkedHashMap<>();
        String bearer = t.bearer();

        // TrueFoundry: turns newest first (each the same as its get), the session's events newest first
        var tf = CLIENTS.trueFoundry().as(bearer);
        Response turns = tf.listTurns(t.tenant(), c.publicId(), Map.of());
        assertEquals(200, turns.statusCode(), turns.asString());
        List<Object> turnViews = new ArrayList<>();
        for (Map<String, Object> turn : turns.jsonPath().<Map<String, Object>>getList("data")) {
            Response got = tf.getTurn(t.tenant(), c.publicId(), (String) turn.get("id"));
            assertEquals(200, got.statusCode(), got.asString());
            assertEquals(turn, got.jsonPath().getMap("data"), "a listed turn is its get");
            Map<String, Object> state = map(turn.get("state"));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", turn.get("id"));
            v.put("status", state.get("status"));
            if (state.containsKey("reason")) {
                v.put("reason", state.get("reason"));
            }
            v.put("input", map(((List<?>) turn.get("input")).get(0)).get("content"));
            v.put(
                    "output",
                    state.get("output") == null
                            ? null
                            : map(state.get("output")).get("content"));
            turnViews.add(v);
        }
        Response events = tf.sessionEvents(t.tenant(), c.publicId(), Map.of());
        assertEquals(200, events.statusCode(), events.asString());
        List<Object> eventViews = new ArrayList<>();
        for (Map<String, Object> item : events.jsonPath().<Map<String, Object>>getList("data")) {
            eventViews.add(item.get("turn_id") + " " + map(item.get("event")).get("type"));
        }
        views.put("TrueFoundry", ordered("turns", turnViews, "events", eventViews));

        // Everruns: messages by sequence, events (deltas aside) by sequence, the session's status
        var ev = CLIENTS.everruns().as(bearer);
        Response messages = ev.messages(c.publicId());
        assertEquals(200, messages.statusCode(), messages.asString());
        List<Object> messageViews = new ArrayList<>();
        long last = 0;
        for (Map<String, Object> m : messages.jsonPath().<Map<String, Object>>getList("data")) {
            long seq = ((Number) m.get("sequence")).longValue();
            assertTrue(seq > last, "messages by sequence");
            last = seq;
            messageViews.add(ordered("id", m.get("id"), "role", m.get("role"), "text", text(m.get("content"))));
        }
        Response evEvents = ev.events(c.publicId(), Map.of("exclude", "output.message.delta"));
        assertEquals(200, evEvents.statusCode(), evEvents.asString());
        List<Object> evEventViews = new ArrayList<>();
        last = 0;
        for (Map<String, Object> e : evEvents.jsonPath().<Map<String, Object>>getList("data")) {
            long seq = ((Number) e.get("sequence")).longValue();
            assertTrue(seq > last, "events by sequence");
            last = seq;
            evEventViews.add(e.get("type"));
        }
        views.put(
                "Everruns", ordered("messages", messageViews, "events", evEventViews, "status", everrunsStatus(t, c)));

        // Agentcloud: messages.json in log order (ObjectIds increasing; ?messageId= answers the rest), the status
        var ac = CLIENTS.agentcloud().as(bearer);
        Response acMessages = ac.messages(t.team(), c.objectId());
        assertEquals(200, acMessages.statusCode(), acMessages.asString());
        List<Map<String, Object>> acList = acMessages.jsonPath().getList("");
        List<Object> acViews = new ArrayList<>();
        String previous = "";
        for (int i = 0; i < acList.size(); i++) {
            Map<String, Object> m = acList.get(i);
            String id = (String) m.get("_id");
            assertTrue(id.matches("[0-9a-f]{24}") && id.compareTo(previous) > 0, "ObjectIds in log order: " + id);
            previous = id;
            Response after = ac.messagesAfter(t.team(), c.objectId(), id);
            assertEquals(200, after.statusCode(), after.asString());
            assertEquals(acList.subList(i + 1, acList.size()), after.jsonPath().getList(""), "after " + id);
            acViews.add(ordered(
                    "chunkId",
                    m.get("chunkId"),
                    "incoming",
                    map(m.get("message")).get("incoming"),
                    "authorName",
                    m.get("authorName"),
                    "text",
                    map(map(m.get("message")).get("message")).get("text")));
        }
        Response acSession = ac.get(t.team(), c.objectId());
        assertEquals(200, acSession.statusCode(), acSession.asString());
        views.put(
                "Agentcloud",
                ordered("messages", acViews, "status", acSession.jsonPath().getString("session.status")));

        // Recoup: the default chat (the session's UUID) with its messages, the session's status
        var rc = CLIENTS.recoup().as(bearer);
        Response chat = rc.chat(c.publicId(), uuid(c.publicId()));
        assertEquals(200, chat.statusCode(), chat.asString());
        List<Object> rcViews = new ArrayList<>();
        for (Map<String, Object> m : chat.jsonPath().<Map<String, Object>>getList("messages")) {
            rcViews.add(ordered("id", m.get("id"), "role", m.get("role"), "text", text(m.get("parts"))));
        }
        Response rcSession = rc.get(c.publicId());
        assertEquals(200, rcSession.statusCode(), rcSession.asString());
        views.put(
                "Recoup",
                ordered(
                        "messages",
                        rcViews,
                        "isStreaming",
                        chat.jsonPath().getBoolean("isStreaming"),
                        "status",
                        rcSession.jsonPath().getString("session.status")));
        return views;
    }

    /** The text of a message's parts (Everruns content, Recoup parts): the one text part's text. */
    static Object text(Object parts) {
        List<?> list = (List<?>) parts;
        assertEquals(1, list.size(), "one part: " + parts);
        Map<String, Object> part = map(list.get(0));
        assertEquals("text", part.get("type"), "a text part: " + parts);
        return part.get("text");
    }

    static String everrunsStatus(Tenant t, Created c) {
        Response r = CLIENTS.everruns().as(t.bearer()).get(c.publicId());
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getString("status");
    }

    /** Waits until the Everruns event types (deltas aside) satisfy the condition. */
    static void await(Tenant t, Created c, Predicate<List<String>> done, String what) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            Response r =
                    CLIENTS.everruns().as(t.bearer()).events(c.publicId(), Map.of("exclude", "output.message.delta"));
            assertEquals(200, r.statusCode(), r.asString());
            if (done.test(r.jsonPath().getList("data.type"))) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("waited " + PATIENCE + " for: " + what + "; events " + r.asString());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Asserts that the actual value is the expected one, where a {@code <X>} in an expected string stands for a
     * canonical UUID (32 hex or the dashed form in the actual string); the first sight binds it, every other must
     * name the same UUID.
     */
    static void unify(Object expected, Object actual, Map<String, String> bound, String where) {
        if (expected instanceof String e && PLACEHOLDER.matcher(e).find()) {
            assertTrue(actual instanceof String, where + ": expected " + e + ", got " + actual);
            Matcher p = PLACEHOLDER.matcher(e);
            StringBuilder regex = new StringBuilder();
            List<String> names = new ArrayList<>();
            int at = 0;
            while (p.find()) {
                regex.append(Pattern.quote(e.substring(at, p.start())))
                        .append("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})");
                names.add(p.group(1));
                at = p.end();
            }
            regex.append(Pattern.quote(e.substring(at)));
            Matcher a = Pattern.compile(regex.toString()).matcher((String) actual);
            assertTrue(a.matches(), where + ": expected " + e + ", got " + actual);
            for (int i = 0; i < names.size(); i++) {
                String canonical = a.group(i + 1).replace("-", "");
                String was = bound.putIfAbsent(names.get(i), canonical);
                assertEquals(
                        was == null ? canonical : was,
                        canonical,
                        where + ": <" + names.get(i) + "> names the same id in every dialect");
            }
        } else if (expected instanceof List<?> e && actual instanceof List<?> a && e.size() == a.size()) {
            for (int i = 0; i < e.size(); i++) {
                unify(e.get(i), a.get(i), bound, where + "[" + i + "]");
            }
        } else if (expected instanceof Map<?, ?> e
                && actual instanceof Map<?, ?> a
                && e.keySet().equals(a.keySet())) {
            for (Object k : e.keySet()) {
                unify(e.get(k), a.get(k), bound, where + "." + k);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    /** The actual view as a README cell would write it (ids as they are), for the failure message. */
    static String cell(Map<String, Object> view) {
        List<String> parts = new ArrayList<>();
        view.forEach((k, v) -> {
            try {
                parts.add("`" + k + "`: `" + JSON.writeValueAsString(v) + "`");
            } catch (JsonProcessingException e) {
                throw new AssertionError(e);
            }
        });
        return String.join(", ", parts);
    }

    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The dashed UUID of a {@code session_<32 hex>} id: the default chat's Recoup id. */
    static String uuid(String prefixed) {
        return prefixed.substring(prefixed.indexOf('_') + 1)
                .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
    }
}
