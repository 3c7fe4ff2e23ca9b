package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The conversation store's contract (docs/architecture.md, "Conversations"): one log per session, written with each
 * change; claims, leases and idempotent output. Each backend runs it through a one-line subclass.
 */
abstract class ConversationStoreContract {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00.123Z");
    static final SubjectRef ALICE = new SubjectRef("user", "alice", null);
    static final Duration LEASE = Duration.ofSeconds(30);

    /** The store under test: both interfaces over one database. */
    protected abstract JooqSessionStore store();

    private String responder() {
        // unique per test, so that claims see only this test's turns whatever else the database holds
        return "r-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Session session() {
        Tenant t = store().ensureTenant("conv-" + UUID.randomUUID().toString().substring(0, 8));
        Agent a = store().createAgent(t, new NewAgent("agent", List.of(), false), T0);
        return store().createSession(
                        Ids.newId(),
                        "s-" + UUID.randomUUID(),
                        a,
                        ALICE,
                        null,
                        NewSession.builder().title("t").build(),
                        SessionStatus.CREATED,
                        T0);
    }

    private Posted post(Session s, String text, String responder, Instant at) {
        return store().postMessage(s.id(), NewMessage.userText(text), responder, at)
                .orElseThrow();
    }

    private List<Event> log(Session s) {
        return store().listEvents(s.id(), EventQuery.after(0, 1000));
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(e -> e.type().value()).toList();
    }

    @Test
    void aUserMessageQueuesATurnAndMovesTheSessionInOneLog() {
        Session s = session();
        String r = responder();
        Posted p = post(s, "hello", r, T0.plusSeconds(1));

        assertEquals(Role.USER, p.message().role());
        assertEquals(List.of(new Part.Text("hello")), p.message().content());
        assertEquals(1, p.message().seq());
        assertEquals(p.turn().id(), p.message().turnId());
        assertEquals(1, p.turn().number());
        assertEquals(TurnStatus.QUEUED, p.turn().status());
        assertEquals(p.message().id(), p.turn().inputMessageId());
        assertEquals(r, p.turn().responder());

        List<Event> log = log(s);
        assertEquals(List.of("message.created", "turn.queued", "session.status.changed"), types(log));
        assertEquals(List.of(1L, 2L, 3L), log.stream().map(Event::seq).toList());
        assertEquals(
                p.message().id().toString(),
                log.get(0).payload().at("/message/id").asText());
        assertEquals("hello", log.get(0).payload().at("/message/content/0/text").asText());
        assertEquals("queued", log.get(1).payload().at("/turn/status").asText());
        assertEquals("created", log.get(2).payload().path("from").asText());
        assertEquals("running", log.get(2).payload().path("to").asText());
        assertEquals(
                SessionStatus.RUNNING, store().findById(s.id()).orElseThrow().status());
        assertEquals(3L, store().lastSeq(s.id()).orElseThrow());
        assertEquals(
                p.message(),
                store().findMessageByObjectId(p.message().objectId()).orElseThrow());
    }

    @Test
    void aMessageToAClosedSessionIsRefusedUnderTheLockAndWritesNothing() {
        Session s = session();
        String r = responder();
        post(s, "first", r, T0.plusSeconds(1));
        long seq = store().lastSeq(s.id()).orElseThrow();
        // the session is RUNNING now; a caller that accepts only CREATED is refused, and nothing is written
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> store().postMessage(
                                s.id(),
                                NewMessage.userText("second"),
                                r,
                                T0.plusSeconds(2),
                                status -> status == SessionStatus.CREATED,
                                () -> new IllegalStateException("closed")));
        assertEquals("closed", refused.getMessage());
        assertEquals(seq, store().lastSeq(s.id()).orElseThrow());
        assertEquals(
                List.of("first"),
                store().listMessages(s.id(), 0, null, 10, false).stream()
                        .map(m -> ((Part.Text) m.content().get(0)).text())
                        .toList());
        assertEquals(
                1,
                store().listEvents(s.id(), EventQuery.after(0, 1000)).stream()
                        .filter(e -> e.type().value().equals("turn.queued"))
                        .count());
        // the same status passing the check posts as usual
        Posted second = store().postMessage(
                        s.id(),
                        NewMessage.userText("second"),
                        r,
                        T0.plusSeconds(3),
                        status -> status == SessionStatus.RUNNING,
                        () -> new IllegalStateException("closed"))
                .orElseThrow();
        assertEquals(seq + 1, second.message().seq());
    }

    @Test
    void aTenantsClaimTakesOnlyThatTenantsTurns() {
        Session mine = session();
        Session theirs = session();
        String r = responder();
        Posted other = post(theirs, "theirs", r, T0);
        Posted own = post(mine, "mine", r, T0.plusMillis(1));
        String tenant = mine.scope().tenantName();
        assertEquals(Optional.of(tenant), store().tenantOfTurn(own.turn().id()));
        assertEquals(Optional.empty(), store().tenantOfTurn(UUID.randomUUID()));

        List<ClaimedTurn> claimed = store().claimTurns(Set.of(r), tenant, "w1", LEASE, 10, T0.plusSeconds(1));
        assertEquals(
                List.of(own.turn().id()),
                claimed.stream().map(c -> c.turn().id()).toList());
        List<ClaimedTurn> rest = store().claimTurns(Set.of(r), null, "w2", LEASE, 10, T0.plusSeconds(1));
        assertEquals(
                List.of(other.turn().id()),
                rest.stream().map(c -> c.turn().id()).toList());
    }

    @Test
    void aTurnRunsClaimedOnceStreamsIdempotentlyAndFinishes() {
        Session s = session();
        String r = responder();
        Posted first = post(s, "one", r, T0);
        Posted second = post(s, "two", r, T0.plusMillis(1));

        List<ClaimedTurn> claimed = store().claimTurns(Set.of(r), "w1", LEASE, 10, T0.plusSeconds(1));
        assertEquals(1, claimed.size(), "one turn per session at a time");
        assertEquals(first.turn().id(), claimed.get(0).turn().id());
        assertEquals(TurnStatus.RUNNING, claimed.get(0).turn().status());
        assertEquals("w1", claimed.get(0).turn().worker());
        assertEquals(first.message(), claimed.get(0).input());
        assertEquals(List.of(), store().claimTurns(Set.of(r), "w2", LEASE, 10, T0.plusSeconds(1)));

        UUID turn = first.turn().id();
        Event d1 = store().appendOutput(turn, "w1", 1, new Output.TextDelta("o"), T0.plusSeconds(2));
        Event again = store().appendOutput(turn, "w1", 1, new Output.TextDelta("different"), T0.plusSeconds(3));
        assertEquals(d1, again, "a repeated step answers the first result");
        Event d2 = store().appendOutput(turn, "w1", 2, new Output.TextDelta("ne"), T0.plusSeconds(3));
        String messageId = d1.payload().path("message_id").asText();
        assertEquals(messageId, d2.payload().path("message_id").asText());
        Event m = store().appendOutput(
                        turn, "w1", 3, new Output.AgentMessage(List.of(new Part.Text("one"))), T0.plusSeconds(4));
        assertEquals(messageId, m.payload().at("/message/id").asText(), "the message takes its deltas' id");
        assertThrows(
                GatewayException.class,
                () -> store().appendOutput(turn, "w2", 4, new Output.TextDelta("x"), T0.plusSeconds(4)));

        Turn done = store().finishTurn(turn, "w1", null, T0.plusSeconds(5));
        assertEquals(TurnStatus.DONE, done.status());
        assertEquals(done, store().finishTurn(turn, "w1", "late", T0.plusSeconds(6)), "a finished turn stays");
        assertEquals(
                SessionStatus.RUNNING, store().findById(s.id()).orElseThrow().status(), "turn two is queued");

        ClaimedTurn next = store().claimTurns(Set.of(r), "w2", LEASE, 10, T0.plusSeconds(7))
                .get(0);
        assertEquals(second.turn().id(), next.turn().id());
        store().finishTurn(next.turn().id(), "w2", "boom", T0.plusSeconds(8));
        assertEquals(
                SessionStatus.WAITING, store().findById(s.id()).orElseThrow().status());

        List<Event> log = log(s);
        assertEquals(
                List.of(
                        "message.created",
                        "turn.queued",
                        "session.status.changed",
                        "message.created",
                        "turn.queued",
                        "turn.started",
                        "output.text.delta",
                        "output.text.delta",
                        "message.created",
                        "turn.done",
                        "turn.started",
                        "turn.failed",
                        "session.status.changed"),
                types(log));
        assertEquals(
                LongStream.rangeClosed(1, log.size()).boxed().toList(),
                log.stream().map(Event::seq).toList());
        assertEquals("boom", log.get(11).payload().at("/turn/error").asText());

        List<Message> messages = store().listMessages(s.id(), 0, null, 100, false);
        assertEquals(
                List.of(Role.USER, Role.USER, Role.AGENT),
                messages.stream().map(Message::role).toList());
        assertEquals(messageId, messages.get(2).id().toString());
        assertEquals(
                List.of(second.turn().id(), turn),
                store().listTurns(s.id(), null, 10).stream().map(Turn::id).toList(),
                "newest first");
        assertEquals(
                List.of(turn),
                store().listTurns(s.id(), 2, 10).stream().map(Turn::id).toList());
        assertEquals(
                List.of(7L, 8L),
                store()
                        .listEvents(
                                s.id(), new EventQuery(5, 10L, Set.of(EventType.OUTPUT_TEXT_DELTA), turn, 10, false))
                        .stream()
                        .map(Event::seq)
                        .toList());
        assertEquals(
                2, store().countEvents(s.id(), new EventQuery(0, null, Set.of(EventType.TURN_QUEUED), null, 1, false)));
    }

    @Test
    void aCancelledTurnStaysCancelledAndItsWorkerLearnsIt() {
        Session s = session();
        String r = responder();
        Posted p = post(s, "hi", r, T0);
        store().claimTurns(Set.of(r), "w", LEASE, 1, T0);

        Turn cancelled = store().cancelTurn(p.turn().id(), CancelReason.CLIENT_CANCELLED, T0.plusSeconds(1))
                .orElseThrow();
        assertEquals(TurnStatus.CANCELLED, cancelled.status());
        assertEquals(CancelReason.CLIENT_CANCELLED, cancelled.cancelReason());
        assertEquals(
                cancelled,
                store().cancelTurn(p.turn().id(), CancelReason.ABANDONED, T0.plusSeconds(2))
                        .orElseThrow());
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> store().appendOutput(p.turn().id(), "w", 1, new Output.TextDelta("x"), T0.plusSeconds(2)));
        assertEquals(ErrorKind.CONFLICT, e.kind());
        assertEquals("turn_not_running", e.code());
        assertEquals(cancelled, store().finishTurn(p.turn().id(), "w", null, T0.plusSeconds(3)));
        assertEquals(
                SessionStatus.WAITING, store().findById(s.id()).orElseThrow().status());
        assertEquals("turn.cancelled", log(s).get(4).type().value());
        assertEquals(
                "client-cancelled",
                log(s).get(4).payload().at("/turn/cancel_reason").asText());
    }

    @Test
    void cancellingTheSessionCancelsItsOpenTurnsInTheSameTransaction() {
        Session s = session();
        String r = responder();
        Posted running = post(s, "first", r, T0);
        store().claimTurns(Set.of(r), "w", LEASE, 1, T0);
        Posted queued = post(s, "second", r, T0.plusSeconds(1));

        assertTrue(
                store().cancelSession(s.id(), Set.of(SessionStatus.RUNNING, SessionStatus.WAITING), T0.plusSeconds(2))
                        .orElseThrow()
                        .changed());
        assertEquals(
                SessionStatus.CANCELLED, store().findById(s.id()).orElseThrow().status());
        for (Posted p : List.of(running, queued)) {
            Turn t = store().findTurn(p.turn().id()).orElseThrow();
            assertEquals(TurnStatus.CANCELLED, t.status());
            assertEquals(CancelReason.CLIENT_CANCELLED, t.cancelReason());
        }
        List<Event> log = log(s);
        assertEquals(
                List.of("turn.cancelled", "turn.cancelled", "session.status.changed"),
                types(log.subList(log.size() - 3, log.size())));
        assertEquals("cancelled", log.get(log.size() - 1).payload().path("to").asText());
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> store().appendOutput(running.turn().id(), "w", 1, new Output.TextDelta("x"), T0.plusSeconds(3)));
        assertEquals("turn_not_running", e.code());

        // A cancel that changes nothing touches no turn.
        Session other = session();
        Posted open = post(other, "hi", r, T0);
        assertTrue(store().cancelSession(other.id(), Set.of(SessionStatus.WAITING), T0.plusSeconds(1))
                .map(c -> !c.changed())
                .orElseThrow());
        assertEquals(
                TurnStatus.QUEUED,
                store().findTurn(open.turn().id()).orElseThrow().status());
    }

    @Test
    void aLapsedLeaseRequeuesATurnWithoutOutputAndFailsOneWithOutput() {
        Session s = session();
        String r = responder();
        Posted p = post(s, "hi", r, T0);
        UUID turn = p.turn().id();
        store().claimTurns(Set.of(r), "dead", Duration.ofSeconds(1), 1, T0);
        GatewayException lost =
                assertThrows(GatewayException.class, () -> store().extendLease(turn, "other", LEASE, T0));
        assertEquals("lease_lost", lost.code());
        assertEquals(0, store().sweepLapsedLeases(3, T0.plusMillis(500)));

        assertEquals(1, store().sweepLapsedLeases(3, T0.plusSeconds(2)));
        assertEquals(TurnStatus.QUEUED, store().findTurn(turn).orElseThrow().status());
        assertThrows(
                GatewayException.class,
                () -> store().appendOutput(turn, "dead", 1, new Output.TextDelta("x"), T0.plusSeconds(2)));

        store().claimTurns(Set.of(r), "w2", Duration.ofSeconds(1), 1, T0.plusSeconds(3));
        assertEquals(2, store().findTurn(turn).orElseThrow().claims());
        Turn extended = store().extendLease(turn, "w2", Duration.ofSeconds(5), T0.plusSeconds(3));
        assertEquals(T0.plusSeconds(8), extended.leaseUntil());
        store().appendOutput(turn, "w2", 1, new Output.TextDelta("x"), T0.plusSeconds(4));
        assertEquals(1, store().sweepLapsedLeases(3, T0.plusSeconds(9)));
        Turn failed = store().findTurn(turn).orElseThrow();
        assertEquals(TurnStatus.ERROR, failed.status());
        assertEquals("lease expired", failed.error());
        assertEquals(
                SessionStatus.WAITING, store().findById(s.id()).orElseThrow().status());
    }

    @Test
    void lifecycleWritesAppendTheirEvents() {
        Session s = session();
        store().patchSession(s.id(), SessionPatch.builder().title("Renamed").build(), T0.plusSeconds(1));
        store().setPinned(s.id(), ALICE, true, T0.plusSeconds(2));
        store().setPinned(s.id(), ALICE, true, T0.plusSeconds(3));
        Posted p = post(s, "hi", responder(), T0.plusSeconds(4));
        store().deleteSession(s.id(), T0.plusSeconds(5));

        List<Event> log = log(s);
        assertEquals(
                List.of(
                        "session.updated",
                        "session.updated",
                        "message.created",
                        "turn.queued",
                        "session.status.changed",
                        "turn.cancelled",
                        "session.deleted"),
                types(log));
        assertEquals("title", log.get(0).payload().at("/fields/0").asText());
        assertEquals("pinned", log.get(1).payload().at("/fields/0").asText());
        assertEquals("abandoned", log.get(5).payload().at("/turn/cancel_reason").asText());
        assertEquals(
                TurnStatus.CANCELLED,
                store().findTurn(p.turn().id()).orElseThrow().status());
        assertTrue(store().postMessage(s.id(), NewMessage.userText("x"), "echo", T0)
                .isEmpty());
    }

    @Test
    void concurrentWritersGetDenseOrderedSequenceNumbers() throws Exception {
        Session s = session();
        int threads = 6;
        int each = 15;
        List<UUID> seen = Collections.synchronizedList(new ArrayList<>());
        store().onAppended((session, seq) -> {
            if (session.equals(s.id())) {
                seen.add(session);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int j = 0; j < each; j++) {
                        store().postMessage(
                                        s.id(),
                                        new NewMessage(Role.SYSTEM, List.of(new Part.Text("m")), null, null),
                                        "none",
                                        T0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<Event> log = log(s);
        assertEquals(threads * each, log.size());
        assertEquals(
                LongStream.rangeClosed(1, log.size()).boxed().toList(),
                log.stream().map(Event::seq).toList());
        List<Message> messages = store().listMessages(s.id(), 0, null, 1000, false);
        assertEquals(
                log.stream().map(Event::seq).toList(),
                messages.stream().map(Message::seq).toList());
        assertEquals(threads * each, seen.size(), "one signal per committed write");
        assertNull(messages.get(0).turnId());
    }

    @Test
    void concurrentClaimantsClaimEachTurnOnce() throws Exception {
        String r = responder();
        List<UUID> turns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            turns.add(post(session(), "q" + i, r, T0.plusMillis(i)).turn().id());
        }
        int threads = 4;
        ConcurrentHashMap<UUID, String> owner = new ConcurrentHashMap<>();
        List<UUID> twice = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String worker = "w" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 20; round++) {
                        for (ClaimedTurn c : store().claimTurns(Set.of(r), worker, LEASE, 2, T0.plusSeconds(1))) {
                            if (owner.putIfAbsent(c.turn().id(), worker) != null) {
                                twice.add(c.turn().id());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of(), twice);
        assertEquals(Set.copyOf(turns), owner.keySet());
    }

    // ---- Chats

    private Posted postIn(Session s, UUID chat, String text, String responder, Instant at) {
        NewMessage m = new NewMessage(Role.USER, List.of(new Part.Text(text)), chat, ALICE);
        return store().postMessage(s.id(), m, responder, at).orElseThrow();
    }

    @Test
    void chatsAreCreatedOnceAndTheirIdsBelongToOneSession() {
        Session s = session();
        UUID id = UUID.randomUUID();
        Chat c = store().createChat(s.id(), id, "New chat", "m", T0.plusSeconds(1))
                .orElseThrow();
        assertEquals(new Chat(id, s.id(), "New chat", "m", T0.plusSeconds(1), T0.plusSeconds(1), null), c);
        // again: the same chat, unchanged (idempotent)
        assertEquals(
                c,
                store().createChat(s.id(), id, "other", "x", T0.plusSeconds(2)).orElseThrow());
        assertEquals(Optional.of(c), store().findChat(id));

        Session other = session();
        GatewayException e = assertThrows(
                GatewayException.class, () -> store().createChat(other.id(), id, "t", "m", T0.plusSeconds(3)));
        assertEquals(ErrorKind.CONFLICT, e.kind());
        assertEquals("chat_conflict", e.code());

        assertEquals(Optional.empty(), store().createChat(UUID.randomUUID(), UUID.randomUUID(), "t", "m", T0));
        assertTrue(store().findChat(UUID.randomUUID()).isEmpty());
    }

    @Test
    void chatsListByCreationAndUpdateAndDeleteAsTombstones() {
        Session s = session();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertTrue(store().createChat(s.id(), b, "B", "m", T0.plusSeconds(2)).isPresent());
        assertTrue(store().createChat(s.id(), a, "A", "m", T0.plusSeconds(1)).isPresent());
        assertEquals(
                List.of(a, b), store().listChats(s.id()).stream().map(Chat::id).toList());

        Chat renamed = store().updateChat(a, "A2", null, T0.plusSeconds(5)).orElseThrow();
        assertEquals("A2", renamed.title());
        assertEquals("m", renamed.modelId());
        assertEquals(T0.plusSeconds(5), renamed.updatedAt());
        assertEquals(
                "m2",
                store().updateChat(a, null, "m2", T0.plusSeconds(6))
                        .orElseThrow()
                        .modelId());
        assertEquals("A2", store().findChat(a).orElseThrow().title());

        assertTrue(store().deleteChat(b, T0.plusSeconds(7)));
        assertEquals(T0.plusSeconds(7), store().findChat(b).orElseThrow().deletedAt());
        assertTrue(!store().deleteChat(b, T0.plusSeconds(8)), "deleting again changes nothing");
        assertEquals(Optional.empty(), store().updateChat(b, "x", null, T0.plusSeconds(9)));
        assertTrue(!store().deleteChat(UUID.randomUUID(), T0));
        // a tombstone keeps its id: creating it again answers the deleted chat
        assertTrue(store().createChat(s.id(), b, "B", "m", T0.plusSeconds(10))
                .orElseThrow()
                .isDeleted());
    }

    @Test
    void deletingAChatAbandonsItsOpenTurnsAndKeepsItsMessagesInTheLog() {
        Session s = session();
        String r = responder();
        UUID chat = UUID.randomUUID();
        assertTrue(store().createChat(s.id(), chat, "c", "m", T0.plusSeconds(1)).isPresent());
        Posted inChat = postIn(s, chat, "in chat", r, T0.plusSeconds(2));
        Posted inDefault = postIn(s, null, "in default", r, T0.plusSeconds(3));
        assertEquals(chat, inChat.turn().chatId());
        assertEquals(chat, inChat.message().chatId());

        assertEquals(List.of(inChat.message()), store().listChatMessages(s.id(), chat, 100));
        assertEquals(List.of(inDefault.message()), store().listChatMessages(s.id(), null, 100));

        assertTrue(store().deleteChat(chat, T0.plusSeconds(4)));
        Turn abandoned = store().findTurn(inChat.turn().id()).orElseThrow();
        assertEquals(TurnStatus.CANCELLED, abandoned.status());
        assertEquals(CancelReason.ABANDONED, abandoned.cancelReason());
        assertEquals(
                TurnStatus.QUEUED,
                store().findTurn(inDefault.turn().id()).orElseThrow().status());
        List<Event> log = log(s);
        assertEquals("turn.cancelled", log.get(log.size() - 1).type().value());
        assertEquals(List.of(inChat.message()), store().listChatMessages(s.id(), chat, 100), "messages stay");
    }

    @Test
    void readMarksAndLastAgentMessagesAreKeptPerChat() {
        Session s = session();
        String r = responder();
        UUID chat = UUID.randomUUID();
        UUID account = UUID.randomUUID();
        assertTrue(store().createChat(s.id(), chat, "c", "m", T0.plusSeconds(1)).isPresent());
        assertEquals(Map.of(), store().chatReads(s.id(), account));
        assertEquals(Map.of(), store().lastAgentMessages(s.id()));

        postIn(s, chat, "hi", r, T0.plusSeconds(2));
        ClaimedTurn claimed =
                store().claimTurns(Set.of(r), "w", LEASE, 1, T0.plusSeconds(3)).get(0);
        store().appendOutput(
                        claimed.turn().id(),
                        "w",
                        1,
                        new Output.AgentMessage(List.of(new Part.Text("yo"))),
                        T0.plusSeconds(4));
        Map<UUID, Instant> last = store().lastAgentMessages(s.id());
        assertEquals(Map.of(chat, T0.plusSeconds(4)), last);

        store().markChatRead(chat, account, T0.plusSeconds(5));
        store().markChatRead(s.id(), account, T0.plusSeconds(6));
        assertEquals(Map.of(chat, T0.plusSeconds(5), s.id(), T0.plusSeconds(6)), store().chatReads(s.id(), account));
        store().markChatRead(chat, account, T0.plusSeconds(7));
        assertEquals(T0.plusSeconds(7), store().chatReads(s.id(), account).get(chat));
        assertEquals(Map.of(), store().chatReads(s.id(), UUID.randomUUID()));
    }
}
