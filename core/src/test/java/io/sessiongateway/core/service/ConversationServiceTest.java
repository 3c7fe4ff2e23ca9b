package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.InMemorySessionStore;
import io.sessiongateway.core.store.JooqSessionStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SessionService gives dialects for conversations, on H2: the service, and one session's log read once. */
class ConversationServiceTest {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00.123Z");

    @TempDir
    static Path dir;

    private static Database db;
    private static JooqSessionStore store;
    private static SessionService sessions;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        sessions = new SessionService(store, new AccessPolicy(Set.of("user")), Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Session session(String tenant) {
        Tenant t = store.ensureTenant(tenant);
        Agent a = store.createAgent(t, new NewAgent("agent-" + UUID.randomUUID(), List.of(), false), T0);
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

    static Principal member(String tenant) {
        return new Principal(new SubjectRef("user", "bob", null), tenant, Set.of(), null, false);
    }

    static SessionKey key(String tenant, Session s) {
        return new SessionKey(SessionKey.Form.ID, tenant, Ids.prefixed("session", s.id()));
    }

    @Test
    void aSessionsLogIsReadAfterOneAccessCheck() {
        String tenant = "conv-" + UUID.randomUUID().toString().substring(0, 8);
        Session s = session(tenant);
        Session other = session(tenant);
        ConversationService conversations = sessions.conversations();
        Posted posted =
                conversations.post(member(tenant), AccessRule.TENANT_MEMBER, key(tenant, s), NewMessage.userText("hi"));
        Posted elsewhere = conversations.post(
                member(tenant), AccessRule.TENANT_MEMBER, key(tenant, other), NewMessage.userText("there"));

        ConversationService.SessionLog log =
                conversations.log(member(tenant), AccessRule.TENANT_MEMBER, key(tenant, s));
        assertEquals(s.id(), log.sessionId());
        List<Event> events = log.page(EventQuery.after(0, 100));
        assertEquals(posted.message().seq(), events.get(0).seq());
        assertEquals(Optional.of(events.get(1)), log.find(events.get(1).id()));
        UUID foreign = conversations
                .log(member(tenant), AccessRule.TENANT_MEMBER, key(tenant, other))
                .page(EventQuery.after(0, 1))
                .get(0)
                .id();
        assertEquals(1, elsewhere.message().seq());
        assertEquals(Optional.empty(), log.find(foreign), "another session's event is no cursor here");
        assertEquals(Optional.empty(), log.find(Ids.newId()));

        GatewayException stranger = assertThrows(
                GatewayException.class,
                () -> conversations.log(member("elsewhere"), AccessRule.TENANT_MEMBER, key("elsewhere", s)));
        assertEquals(ErrorKind.NOT_FOUND, stranger.kind());
    }

    @Test
    void aStoreWithoutConversationsSaysSo() {
        SessionService inMemory =
                new SessionService(new InMemorySessionStore(), new AccessPolicy(Set.of("user")), Clock.systemUTC());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertThrows(GatewayException.class, inMemory::conversations).kind());
    }
}
