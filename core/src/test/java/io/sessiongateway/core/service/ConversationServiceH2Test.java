package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConversationService} over the real store on an H2 file (the store's own contract runs on PostgreSQL too). */
class ConversationServiceH2Test {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00.123Z");

    @TempDir
    static Path dir;

    static Database db;
    static JooqSessionStore store;
    static ConversationService conversations;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        SessionLifecycle lifecycle = new SessionLifecycle(store, new AccessPolicy(ServiceFixture.CREATOR_TYPES), clock);
        conversations = new ConversationService(store, store, lifecycle, clock);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Session session() {
        Tenant t = store.ensureTenant("svc-" + UUID.randomUUID().toString().substring(0, 8));
        Agent a = store.createAgent(t, new NewAgent("agent", List.of(), false), T0);
        return store.createSession(
                Ids.newId(),
                "s-" + UUID.randomUUID(),
                a,
                new SubjectRef("user", "alice", null),
                null,
                NewSession.builder().build(),
                SessionStatus.CREATED,
                T0);
    }

    static Message post(Session s, String text) {
        NewMessage system = new NewMessage(Role.SYSTEM, List.of(new Part.Text(text)), null, null);
        return store.postMessage(s.id(), system, "none", T0).orElseThrow().message();
    }

    static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::text).toList();
    }

    @Test
    void messagesAfterAnObjectIdAreTheOnesWrittenAfterItAllOfThemInLogOrder() {
        Session s = session();
        List<Message> posted = IntStream.range(0, ConversationService.MESSAGE_PAGE + 3)
                .mapToObj(i -> post(s, "m" + i))
                .toList();

        assertEquals(texts(posted), texts(conversations.messagesAfter(s, null)), "every message, across pages");
        assertEquals(
                texts(posted.subList(ConversationService.MESSAGE_PAGE, posted.size())),
                texts(conversations.messagesAfter(
                        s, posted.get(ConversationService.MESSAGE_PAGE - 1).objectId())));
        assertEquals(
                List.of(),
                conversations.messagesAfter(s, posted.get(posted.size() - 1).objectId()),
                "the last");
    }

    @Test
    void anObjectIdThatNamesNoMessageOfTheSessionIsNotFound() {
        Session s = session();
        post(s, "mine");
        Message elsewhere = post(session(), "another session's");
        for (String id : List.of("0123456789abcdef01234567", elsewhere.objectId())) {
            GatewayException e = assertThrows(GatewayException.class, () -> conversations.messagesAfter(s, id));
            assertEquals(ErrorKind.NOT_FOUND, e.kind());
            assertEquals("message_not_found", e.code());
            assertEquals("messageId", e.param());
        }
    }
}
