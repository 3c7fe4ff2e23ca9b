package io.sessiongateway.core.conversation.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in responders answer turns in process, through the worker API, on H2. */
class ResponderWorkersTest {
    @TempDir
    static Path dir;

    private static Database db;
    private static JooqSessionStore store;
    private static ResponderWorkers workers;

    @BeforeAll
    static void open() throws Exception {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        Path script = dir.resolve("script.yaml");
        Files.writeString(script, """
                rules:
                  - match: "(?i)weather"
                    tool_calls:
                      - {name: get_weather, arguments: {city: Paris}, result: sunny}
                    reply: "It is sunny in Paris."
                    delta_size: 10
                  - match: fail
                    fail: the script says no
                default: {reply: "You said: {input}"}
                """);
        workers = new ResponderWorkers(
                store,
                List.of(new EchoResponder(), ScriptResponder.load(script)),
                2,
                Duration.ofSeconds(10),
                Duration.ofMillis(200),
                Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        workers.close();
        db.close();
    }

    private Session session(String responder) {
        Tenant t = store.ensureTenant("resp-" + UUID.randomUUID().toString().substring(0, 8));
        Agent a = store.createAgent(
                t,
                new NewAgent("agent", List.of(), false, null, responder),
                Clock.systemUTC().instant());
        assertEquals(responder, a.responder());
        return store.createSession(
                Ids.newId(),
                "s-" + UUID.randomUUID(),
                a,
                new SubjectRef("user", "alice", null),
                null,
                NewSession.builder().build(),
                SessionStatus.CREATED,
                Clock.systemUTC().instant());
    }

    private Turn answered(Session s, String text) throws InterruptedException {
        Posted p = store.postMessage(
                        s.id(),
                        NewMessage.userText(text),
                        responderOf(s),
                        Clock.systemUTC().instant())
                .orElseThrow();
        long deadline = System.nanoTime() + 10_000_000_000L;
        Turn t = p.turn();
        while (!t.status().isFinished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            t = store.findTurn(t.id()).orElseThrow();
        }
        return t;
    }

    private String responderOf(Session s) {
        return store.findAgentById(s.agent().id()).orElseThrow().responder();
    }

    private List<String> types(Session s) {
        return store.listEvents(s.id(), EventQuery.after(0, 100)).stream()
                .map(e -> e.type().value())
                .toList();
    }

    @Test
    void echoAnswersWithTheUsersTextInDeltasThenTheMessage() throws Exception {
        Session s = session("echo");
        Turn t = answered(s, "hello there");
        assertEquals(TurnStatus.DONE, t.status());
        assertEquals(
                List.of(
                        "message.created",
                        "turn.queued",
                        "session.status.changed",
                        "turn.started",
                        "output.text.delta",
                        "output.text.delta",
                        "output.text.delta",
                        "message.created",
                        "turn.done",
                        "session.status.changed"),
                types(s));
        List<Event> deltas =
                store.listEvents(s.id(), new EventQuery(0, null, Set.of(EventType.OUTPUT_TEXT_DELTA), null, 10, false));
        assertEquals(
                "hello there",
                deltas.stream().map(e -> e.payload().path("delta").asText()).reduce("", String::concat));
        List<Message> messages = store.listMessages(s.id(), 0, null, 10, false);
        assertEquals(
                List.of(Role.USER, Role.AGENT),
                messages.stream().map(Message::role).toList());
        assertEquals("hello there", messages.get(1).text());
        assertEquals(SessionStatus.WAITING, store.findById(s.id()).orElseThrow().status());
    }

    @Test
    void scriptCallsToolsRepliesAndFailsByRule() throws Exception {
        Session s = session("script");
        assertEquals(TurnStatus.DONE, answered(s, "what's the weather?").status());
        List<Message> messages = store.listMessages(s.id(), 0, null, 10, false);
        assertEquals(
                List.of(Role.USER, Role.AGENT, Role.TOOL, Role.AGENT),
                messages.stream().map(Message::role).toList());
        assertEquals("It is sunny in Paris.", messages.get(3).text());

        Turn failed = answered(s, "please fail");
        assertEquals(TurnStatus.ERROR, failed.status());
        assertEquals("the script says no", failed.error());

        assertEquals(TurnStatus.DONE, answered(s, "anything").status());
        assertEquals(
                "You said: anything",
                store.listMessages(s.id(), 0, null, 10, true).get(0).text());
    }

    @Test
    void noneLeavesTurnsQueued() throws Exception {
        Session s = session("none");
        Posted p = store.postMessage(
                        s.id(),
                        NewMessage.userText("hi"),
                        "none",
                        Clock.systemUTC().instant())
                .orElseThrow();
        Thread.sleep(500);
        assertEquals(
                TurnStatus.QUEUED, store.findTurn(p.turn().id()).orElseThrow().status());
    }

    @Test
    void echoSplitsIntoAtMostThreePieces() {
        assertEquals(List.of("abc", "def", "g"), EchoResponder.split("abcdefg", 3));
        assertEquals(List.of("a"), EchoResponder.split("a", 3));
        assertEquals(List.of(), EchoResponder.split("", 3));
        assertEquals(List.of("😀", "é"), EchoResponder.split("😀é", 3));
    }
}
