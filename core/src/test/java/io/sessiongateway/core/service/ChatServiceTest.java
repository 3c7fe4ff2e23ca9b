package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session's chats over the H2 store: the default chat, extra chats, one open turn per chat, stop. */
class ChatServiceTest {
    static final AccessRule RULE = AccessRule.ACCOUNT_OWNER;
    static final ChatService.Defaults DEFAULTS = new ChatService.Defaults("New chat", "model");

    @TempDir
    static Path dir;

    static Database db;
    static JooqSessionStore store;
    static SessionService sessions;
    static AgentService agents;
    static ChatService chats;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        Clock clock = Clock.systemUTC();
        sessions = new SessionService(store, new AccessPolicy(Set.of("user")), clock);
        agents = new AgentService(store, clock, "none"); // turns stay queued: nothing answers them here
        chats = new ChatService(
                store,
                store,
                sessions.lifecycle(),
                new ConversationService(store, store, sessions.lifecycle(), clock),
                clock);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Principal account(String tenant) {
        return new Principal(
                new SubjectRef("user", "u-" + UUID.randomUUID(), null), tenant, Set.of(), UUID.randomUUID(), false);
    }

    static Session session(Principal p) {
        agents.ensure(p.tenant(), "recoup");
        return sessions.createForAgentName(
                p, p.tenant(), "recoup", NewSession.builder().build());
    }

    static SessionKey key(Principal p, Session s) {
        return SessionKey.publicId(p.tenant(), s.publicId());
    }

    @Test
    void theDefaultChatIsTheSessionsIdUntilItChanges() {
        Principal me = account("chat-" + UUID.randomUUID().toString().substring(0, 8));
        Session s = session(me);
        List<ChatService.View> views = chats.list(me, RULE, key(me, s), DEFAULTS);
        assertEquals(1, views.size());
        Chat c = views.get(0).chat();
        assertEquals(
                new Chat(
                        s.id(),
                        s.id(),
                        "New chat",
                        "model",
                        s.times().createdAt(),
                        s.times().createdAt(),
                        null),
                c);
        assertTrue(store.findChat(s.id()).isEmpty(), "no row until it changes");

        Chat renamed = chats.update(me, RULE, key(me, s), s.id().toString(), "Mine", null, DEFAULTS);
        assertEquals("Mine", renamed.title());
        assertEquals(s.times().createdAt(), renamed.createdAt());
        assertEquals(
                renamed,
                chats.get(me, RULE, key(me, s), s.id().toString(), DEFAULTS).chat());
        // the chat id resolves to its session without a session id
        assertEquals(SessionKey.id(me.tenant(), s.id()), chats.keyOfChat(me.tenant(), s.id().toString()));
    }

    @Test
    void oneAnswerRunsPerChatAndStopCancelsIt() {
        Principal me = account("chat-" + UUID.randomUUID().toString().substring(0, 8));
        Session s = session(me);
        String main = s.id().toString();
        Chat extra = chats.create(me, RULE, key(me, s), null, DEFAULTS);

        Posted first = chats.post(me, RULE, key(me, s), main, NewMessage.userText("hi"), DEFAULTS);
        assertEquals(null, first.turn().chatId());
        GatewayException busy = assertThrows(
                GatewayException.class,
                () -> chats.post(me, RULE, key(me, s), main, NewMessage.userText("again"), DEFAULTS));
        assertEquals(ErrorKind.CONFLICT, busy.kind());
        assertEquals("chat_busy", busy.code());

        // another chat of the session takes a message (its turn queues behind the first)
        Posted other = chats.post(me, RULE, key(me, s), extra.id().toString(), NewMessage.userText("yo"), DEFAULTS);
        assertEquals(extra.id(), other.turn().chatId());
        assertTrue(chats.get(me, RULE, key(me, s), main, DEFAULTS).streaming());
        assertEquals(
                Optional.of(other.turn().id()),
                chats.get(me, RULE, key(me, s), extra.id().toString(), DEFAULTS)
                        .openTurn()
                        .map(Turn::id));

        Turn stopped = chats.stop(me, RULE, key(me, s), main, DEFAULTS).orElseThrow();
        assertEquals(first.turn().id(), stopped.id());
        assertEquals(TurnStatus.CANCELLED, stopped.status());
        assertEquals(CancelReason.CLIENT_CANCELLED, stopped.cancelReason());
        assertEquals(Optional.empty(), chats.stop(me, RULE, key(me, s), main, DEFAULTS), "nothing left to stop");
        assertFalse(chats.get(me, RULE, key(me, s), main, DEFAULTS).streaming());
        assertEquals(1L, chats.turnStartSeq(first.turn()));

        // deleting the extra chat abandons its turn
        chats.delete(me, RULE, key(me, s), extra.id().toString(), DEFAULTS);
        assertEquals(
                CancelReason.ABANDONED,
                store.findTurn(other.turn().id()).orElseThrow().cancelReason());
        GatewayException last =
                assertThrows(GatewayException.class, () -> chats.delete(me, RULE, key(me, s), main, DEFAULTS));
        assertEquals("last_chat", last.code());
    }

    @Test
    void anotherAccountIsForbidden() {
        String tenant = "chat-" + UUID.randomUUID().toString().substring(0, 8);
        Principal me = account(tenant);
        Principal other = account(tenant);
        Session s = session(me);
        GatewayException e = assertThrows(GatewayException.class, () -> chats.list(other, RULE, key(me, s), DEFAULTS));
        assertEquals(ErrorKind.FORBIDDEN, e.kind());
        GatewayException missing = assertThrows(
                GatewayException.class,
                () -> chats.get(me, RULE, key(me, s), UUID.randomUUID().toString(), DEFAULTS));
        assertEquals("chat_not_found", missing.code());
    }
}
