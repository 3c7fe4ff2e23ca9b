package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.JooqSessionStore.bump;
import static io.sessiongateway.core.store.JooqSessionStore.countMove;
import static io.sessiongateway.core.store.JooqSessionStore.guard;
import static io.sessiongateway.core.store.JooqSessionStore.inst;
import static io.sessiongateway.core.store.JooqSessionStore.lock;
import static io.sessiongateway.core.store.JooqSessionStore.odt;
import static io.sessiongateway.core.store.JooqSessionStore.upsertSubject;
import static io.sessiongateway.core.store.jooq.Tables.CHAT;
import static io.sessiongateway.core.store.jooq.Tables.CHAT_READ;
import static io.sessiongateway.core.store.jooq.Tables.EVENT;
import static io.sessiongateway.core.store.jooq.Tables.MESSAGE;
import static io.sessiongateway.core.store.jooq.Tables.SESSION;
import static io.sessiongateway.core.store.jooq.Tables.TENANT;
import static io.sessiongateway.core.store.jooq.Tables.TURN;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.ConversationJson;
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
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.store.JooqSessionStore.Locked;
import io.sessiongateway.core.store.jooq.tables.records.ChatRecord;
import io.sessiongateway.core.store.jooq.tables.records.EventRecord;
import io.sessiongateway.core.store.jooq.tables.records.MessageRecord;
import io.sessiongateway.core.store.jooq.tables.records.TurnRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ConversationStore} over jOOQ (part of {@link JooqSessionStore}); the same SQL on H2 and PostgreSQL. */
final class JooqConversations implements ConversationStore {
    private static final Logger LOG = LoggerFactory.getLogger(JooqConversations.class);
    private static final Set<SessionStatus> RESUMABLE = EnumSet.of(
            SessionStatus.CREATED,
            SessionStatus.WAITING,
            SessionStatus.COMPLETED,
            SessionStatus.FAILED,
            SessionStatus.CANCELLED);
    private static final List<String> OPEN = List.of(TurnStatus.QUEUED.dbValue(), TurnStatus.RUNNING.dbValue());

    private final DSLContext dsl;
    private final boolean postgres;
    /** Read from the database on first use, never in the constructor (the database may be down then). */
    private volatile String channel;

    private final List<BiConsumer<UUID, Long>> listeners = new CopyOnWriteArrayList<>();

    JooqConversations(DSLContext dsl) {
        this.dsl = dsl;
        this.postgres = dsl.dialect().family() == SQLDialect.POSTGRES;
    }

    /** The PostgreSQL notification channel of this schema's log: {@code gateway_events_<schema>}. */
    static String channelOf(DSLContext dsl) {
        if (dsl.dialect().family() != SQLDialect.POSTGRES) {
            return null;
        }
        String schema = dsl.fetchValue(DSL.field("current_schema()", String.class));
        return "gateway_events_" + (schema == null ? "public" : schema);
    }

    /** The channel this store notifies on PostgreSQL ({@link #channelOf}); null on H2. */
    String channel() {
        String c = channel;
        if (c == null && postgres) {
            c = guard(() -> channelOf(dsl));
            channel = c;
        }
        return c;
    }

    @Override
    public void onAppended(BiConsumer<UUID, Long> listener) {
        listeners.add(listener);
    }

    // ---- Transactions and the log

    /** Sessions whose log moved in a transaction, with their last seq. */
    static final class Appended {
        private final Map<UUID, Long> last = new LinkedHashMap<>();

        void clear() {
            last.clear();
        }
    }

    /**
     * Runs a write in one transaction and, after it committed, tells the listeners which logs moved. On PostgreSQL
     * the transaction itself also notifies ({@code pg_notify}, delivered at commit) for the other instances.
     */
    <T> T write(BiFunction<DSLContext, Appended, T> work) {
        Appended appended = new Appended();
        T result = guard(() -> dsl.transactionResult(trx -> {
            appended.clear();
            return work.apply(trx.dsl(), appended);
        }));
        appended.last.forEach((session, seq) -> {
            for (BiConsumer<UUID, Long> l : listeners) {
                try {
                    l.accept(session, seq);
                } catch (RuntimeException e) {
                    LOG.warn("event listener failed", e);
                }
            }
        });
        return result;
    }

    /** A session's log within one transaction; the caller holds the session's row lock. */
    Log log(DSLContext tx, UUID sessionId, Instant now, Appended appended) {
        return new Log(tx, sessionId, now, appended, true);
    }

    /**
     * The log for a lifecycle write: its events leave {@code last_activity_at} alone (renaming or pinning is not
     * activity in the conversation, and dialects show that timestamp).
     */
    Log lifecycleLog(DSLContext tx, UUID sessionId, Instant now, Appended appended) {
        return new Log(tx, sessionId, now, appended, false);
    }

    final class Log {
        private final DSLContext tx;
        private final UUID sessionId;
        private final OffsetDateTime at;
        private final Appended appended;
        private final boolean activity;
        private long seq;

        private Log(DSLContext tx, UUID sessionId, Instant now, Appended appended, boolean activity) {
            this.activity = activity;
            this.tx = tx;
            this.sessionId = sessionId;
            this.at = odt(now);
            this.appended = appended;
            this.seq = tx.select(SESSION.LAST_SEQ)
                    .from(SESSION)
                    .where(SESSION.ID.eq(sessionId))
                    .fetchSingle(SESSION.LAST_SEQ);
        }

        /** The seq the next event takes. */
        long next() {
            return seq + 1;
        }

        Event append(EventType type, UUID turnId, Integer step, JsonNode payload) {
            seq++;
            EventRecord r = tx.newRecord(EVENT);
            r.setSessionId(sessionId);
            r.setSeq(seq);
            r.setId(Ids.newId());
            r.setType(type.value());
            r.setTurnId(turnId);
            r.setStep(step);
            r.setPayload(JSONB.valueOf(payload.toString()));
            r.setCreatedAt(at);
            r.insert();
            var update = tx.update(SESSION).set(SESSION.LAST_SEQ, seq);
            if (activity) {
                update = update.set(SESSION.LAST_ACTIVITY_AT, at);
            }
            update.where(SESSION.ID.eq(sessionId)).execute();
            if (postgres) {
                tx.select(DSL.function("pg_notify", Object.class, DSL.val(channel()), DSL.val(sessionId + ":" + seq)))
                        .fetch();
            }
            appended.last.put(sessionId, seq);
            return event(r);
        }
    }

    // ---- Reads

    @Override
    public List<Message> listMessages(UUID sessionId, long afterSeq, Long beforeSeq, int limit, boolean descending) {
        Condition c = MESSAGE.SESSION_ID.eq(sessionId).and(MESSAGE.SEQ.gt(afterSeq));
        if (beforeSeq != null) {
            c = c.and(MESSAGE.SEQ.lt(beforeSeq));
        }
        Condition where = c;
        return guard(() -> dsl.selectFrom(MESSAGE)
                .where(where)
                .orderBy(descending ? MESSAGE.SEQ.desc() : MESSAGE.SEQ.asc())
                .limit(limit)
                .fetch(JooqConversations::message));
    }

    @Override
    public Optional<Message> findMessageByObjectId(String objectId) {
        if (objectId == null || !Ids.isObjectId(objectId)) {
            return Optional.empty();
        }
        return guard(() -> dsl.selectFrom(MESSAGE)
                .where(MESSAGE.OBJECT_ID.eq(objectId))
                .fetchOptional(JooqConversations::message));
    }

    @Override
    public List<Turn> listTurns(UUID sessionId, Integer beforeNumber, int limit) {
        Condition c = TURN.SESSION_ID.eq(sessionId);
        if (beforeNumber != null) {
            c = c.and(TURN.NUMBER.lt(beforeNumber));
        }
        Condition where = c;
        return guard(() -> dsl.selectFrom(TURN)
                .where(where)
                .orderBy(TURN.NUMBER.desc())
                .limit(limit)
                .fetch(JooqConversations::turn));
    }

    @Override
    public Optional<Turn> findTurn(UUID turnId) {
        return guard(() -> dsl.selectFrom(TURN).where(TURN.ID.eq(turnId)).fetchOptional(JooqConversations::turn));
    }

    private static Condition where(UUID sessionId, EventQuery q) {
        Condition c = EVENT.SESSION_ID.eq(sessionId).and(EVENT.SEQ.gt(q.afterSeq()));
        if (q.beforeSeq() != null) {
            c = c.and(EVENT.SEQ.lt(q.beforeSeq()));
        }
        if (!q.types().isEmpty()) {
            c = c.and(EVENT.TYPE.in(q.types().stream().map(EventType::value).toList()));
        }
        if (q.turnId() != null) {
            c = c.and(EVENT.TURN_ID.eq(q.turnId()));
        }
        return c;
    }

    @Override
    public List<Event> listEvents(UUID sessionId, EventQuery query) {
        return guard(() -> dsl.selectFrom(EVENT)
                .where(where(sessionId, query))
                .orderBy(query.descending() ? EVENT.SEQ.desc() : EVENT.SEQ.asc())
                .limit(query.limit())
                .fetch(JooqConversations::event));
    }

    @Override
    public long countEvents(UUID sessionId, EventQuery query) {
        return guard(() -> dsl.fetchCount(EVENT, where(sessionId, query)));
    }

    @Override
    public Optional<Event> findEvent(UUID eventId) {
        return guard(() -> dsl.selectFrom(EVENT).where(EVENT.ID.eq(eventId)).fetchOptional(JooqConversations::event));
    }

    @Override
    public Optional<Long> lastSeq(UUID sessionId) {
        return guard(() -> dsl.select(SESSION.LAST_SEQ)
                .from(SESSION)
                .where(SESSION.ID.eq(sessionId))
                .fetchOptional(SESSION.LAST_SEQ));
    }

    // ---- Client writes

    @Override
    public Optional<Posted> postMessage(
            UUID sessionId,
            NewMessage message,
            String responder,
            Instant now,
            Predicate<SessionStatus> open,
            Supplier<? extends RuntimeException> closed) {
        return write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, sessionId);
            if (locked.isEmpty()) {
                return Optional.<Posted>empty();
            }
            Locked row = locked.get();
            if (!open.test(row.status())) {
                throw closed.get(); // rolls the transaction back: nothing was written yet
            }
            Log log = log(tx, sessionId, now, appended);
            UUID turnId = null;
            TurnRecord turn = null;
            if (message.role() == Role.USER) {
                turnId = Ids.newId();
                TurnRecord last = tx.selectFrom(TURN)
                        .where(TURN.SESSION_ID.eq(sessionId))
                        .orderBy(TURN.NUMBER.desc())
                        .limit(1)
                        .fetchOne();
                turn = tx.newRecord(TURN);
                turn.setId(turnId);
                turn.setSessionId(sessionId);
                turn.setNumber(last == null ? 1 : last.getNumber() + 1);
                turn.setChatId(message.chatId());
                turn.setPreviousTurnId(last == null ? null : last.getId());
                turn.setStatus(TurnStatus.QUEUED.dbValue());
                turn.setClaims(0);
                turn.setOutputSteps(0);
                turn.setResponder(responder);
                turn.setCreatedBy(
                        message.postedBy() == null
                                ? null
                                : upsertSubject(tx, row.tenantId(), message.postedBy(), odt(now)));
                turn.setCreatedAt(odt(now));
            }
            Message stored = insertMessage(
                    tx, log, sessionId, Ids.newId(), turnId, message.chatId(), message.role(), message.content(), now);
            log.append(EventType.MESSAGE_CREATED, turnId, null, payload("message", ConversationJson.message(stored)));
            Turn queued = null;
            if (turn != null) {
                turn.setInputMessageId(stored.id());
                turn.insert();
                queued = turn(turn);
                log.append(EventType.TURN_QUEUED, turnId, null, payload("turn", ConversationJson.turn(queued)));
                followTurns(tx, row, log, now);
            }
            return Optional.of(new Posted(stored, queued));
        });
    }

    @Override
    public Optional<Turn> cancelTurn(UUID turnId, CancelReason reason, Instant now) {
        Optional<UUID> sessionId = sessionOf(turnId);
        if (sessionId.isEmpty()) {
            return Optional.empty();
        }
        return write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, sessionId.get());
            TurnRecord t = lockTurn(tx, turnId);
            if (locked.isEmpty() || TurnStatus.fromDb(t.getStatus()).isFinished()) {
                return Optional.of(turn(t));
            }
            Log log = log(tx, sessionId.get(), now, appended);
            Turn cancelled = cancel(tx, log, t, reason, now);
            followTurns(tx, locked.get(), log, now);
            return Optional.of(cancelled);
        });
    }

    /** Cancels an open turn the caller has locked, with its event. */
    Turn cancel(DSLContext tx, Log log, TurnRecord t, CancelReason reason, Instant now) {
        t.setStatus(TurnStatus.CANCELLED.dbValue());
        t.setCancelReason(reason.value());
        t.setFinishedAt(odt(now));
        t.setLeaseUntil(null);
        t.setOpenMessageId(null);
        t.update();
        Turn cancelled = turn(t);
        log.append(EventType.TURN_CANCELLED, t.getId(), null, payload("turn", ConversationJson.turn(cancelled)));
        return cancelled;
    }

    /**
     * Cancels every open turn of a session, oldest first, with the reason: {@code abandoned} for a session being
     * deleted, {@code client-cancelled} for one a client cancels. The caller holds the session lock and moves the
     * session's status itself.
     */
    void cancelOpenTurns(DSLContext tx, Log log, UUID sessionId, CancelReason reason, Instant now) {
        for (TurnRecord t : tx.selectFrom(TURN)
                .where(TURN.SESSION_ID.eq(sessionId).and(TURN.STATUS.in(OPEN)))
                .orderBy(TURN.NUMBER)
                .forUpdate()
                .fetch()) {
            cancel(tx, log, t, reason, now);
        }
    }

    // ---- Worker writes

    @Override
    public List<ClaimedTurn> claimTurns(
            Set<String> responders, String tenantName, String worker, Duration lease, int max, Instant now) {
        if (responders.isEmpty() || max < 1) {
            return List.of();
        }
        Condition queued = TURN.STATUS.eq(TurnStatus.QUEUED.dbValue()).and(TURN.RESPONDER.in(responders));
        if (tenantName != null) {
            // the session's tenant never changes, so filtering the candidates is enough: claimIn takes a listed
            // session's oldest queued turn
            queued = queued.and(TURN.SESSION_ID.in(DSL.select(SESSION.ID)
                    .from(SESSION)
                    .join(TENANT)
                    .on(TENANT.ID.eq(SESSION.TENANT_ID))
                    .where(TENANT.NAME.eq(tenantName))));
        }
        Condition candidates = queued;
        Set<UUID> sessions = new LinkedHashSet<>(guard(() -> dsl.select(TURN.SESSION_ID)
                .from(TURN)
                .where(candidates)
                .orderBy(TURN.CREATED_AT, TURN.ID)
                .limit(max * 4 + 16)
                .fetch(TURN.SESSION_ID)));
        List<ClaimedTurn> claimed = new ArrayList<>();
        for (UUID sessionId : sessions) {
            if (claimed.size() >= max) {
                break;
            }
            ClaimedTurn c = write((tx, appended) -> claimIn(tx, appended, sessionId, responders, worker, lease, now));
            if (c != null) {
                claimed.add(c);
            }
        }
        return claimed;
    }

    @Override
    public Optional<String> tenantOfTurn(UUID turnId) {
        return guard(() -> dsl.select(TENANT.NAME)
                .from(TURN)
                .join(SESSION)
                .on(SESSION.ID.eq(TURN.SESSION_ID))
                .join(TENANT)
                .on(TENANT.ID.eq(SESSION.TENANT_ID))
                .where(TURN.ID.eq(turnId))
                .fetchOptional(TENANT.NAME));
    }

    private ClaimedTurn claimIn(
            DSLContext tx,
            Appended appended,
            UUID sessionId,
            Set<String> responders,
            String worker,
            Duration lease,
            Instant now) {
        // SKIP LOCKED on the session row: another claimant (or writer) holding it is passed over, not waited for.
        Optional<Locked> locked = lock(tx, sessionId, true);
        if (locked.isEmpty()) {
            return null;
        }
        boolean running =
                tx.fetchExists(TURN, TURN.SESSION_ID.eq(sessionId).and(TURN.STATUS.eq(TurnStatus.RUNNING.dbValue())));
        if (running) {
            return null;
        }
        TurnRecord t = tx.selectFrom(TURN)
                .where(TURN.SESSION_ID.eq(sessionId).and(TURN.STATUS.eq(TurnStatus.QUEUED.dbValue())))
                .orderBy(TURN.NUMBER)
                .limit(1)
                .forUpdate()
                .fetchOne();
        if (t == null || !responders.contains(t.getResponder())) {
            return null;
        }
        t.setStatus(TurnStatus.RUNNING.dbValue());
        t.setWorker(worker);
        t.setLeaseUntil(odt(now.plus(lease)));
        t.setClaims(t.getClaims() + 1);
        t.setStartedAt(odt(now));
        t.update();
        Turn started = turn(t);
        Log log = log(tx, sessionId, now, appended);
        log.append(EventType.TURN_STARTED, t.getId(), null, payload("turn", ConversationJson.turn(started)));
        followTurns(tx, locked.get(), log, now);
        Message input = tx.selectFrom(MESSAGE)
                .where(MESSAGE.ID.eq(t.getInputMessageId()))
                .fetchOne(JooqConversations::message);
        return new ClaimedTurn(started, input);
    }

    @Override
    public Event appendOutput(UUID turnId, String worker, int step, Output output, Instant now) {
        if (step < 1) {
            throw GatewayException.invalidArgument("step must be positive", "step");
        }
        Optional<Event> earlier = stepEvent(dsl, turnId, step);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        UUID sessionId = sessionOf(turnId).orElseThrow(JooqConversations::turnNotFound);
        return write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, sessionId);
            Optional<Event> raced = stepEvent(tx, turnId, step);
            if (raced.isPresent()) {
                return raced.get();
            }
            TurnRecord t = lockTurn(tx, turnId);
            if (locked.isEmpty()) {
                throw notRunning(TurnStatus.CANCELLED);
            }
            requireHeld(t, worker, now, true);
            Log log = log(tx, sessionId, now, appended);
            UUID chat = t.getChatId();
            Event event;
            if (output instanceof Output.TextDelta d) {
                if (t.getOpenMessageId() == null) {
                    t.setOpenMessageId(Ids.newId());
                }
                ObjectNode p = ConversationJson.MAPPER.createObjectNode();
                p.put("message_id", t.getOpenMessageId().toString());
                p.put("delta", d.text());
                event = log.append(EventType.OUTPUT_TEXT_DELTA, turnId, step, p);
            } else if (output instanceof Output.AgentMessage m) {
                UUID id = t.getOpenMessageId() != null ? t.getOpenMessageId() : Ids.newId();
                t.setOpenMessageId(null);
                Message stored = insertMessage(tx, log, sessionId, id, turnId, chat, Role.AGENT, m.content(), now);
                event = log.append(
                        EventType.MESSAGE_CREATED, turnId, step, payload("message", ConversationJson.message(stored)));
            } else if (output instanceof Output.ToolCall c) {
                Message stored = insertMessage(
                        tx,
                        log,
                        sessionId,
                        Ids.newId(),
                        turnId,
                        chat,
                        Role.AGENT,
                        List.of(new Part.ToolCall(c.callId(), c.name(), c.arguments())),
                        now);
                event = log.append(
                        EventType.TOOL_CALL, turnId, step, payload("message", ConversationJson.message(stored)));
            } else {
                Output.ToolResult r = (Output.ToolResult) output;
                Message stored = insertMessage(
                        tx,
                        log,
                        sessionId,
                        Ids.newId(),
                        turnId,
                        chat,
                        Role.TOOL,
                        List.of(new Part.ToolResult(r.callId(), r.output(), r.isError())),
                        now);
                event = log.append(
                        EventType.TOOL_RESULT, turnId, step, payload("message", ConversationJson.message(stored)));
            }
            t.setOutputSteps(t.getOutputSteps() + 1);
            t.update();
            return event;
        });
    }

    @Override
    public Turn extendLease(UUID turnId, String worker, Duration lease, Instant now) {
        // One statement on the turn row alone: it holds no other lock, so it cannot wait in a cycle.
        int n = guard(() -> dsl.update(TURN)
                .set(TURN.LEASE_UNTIL, odt(now.plus(lease)))
                .where(TURN.ID
                        .eq(turnId)
                        .and(TURN.STATUS.eq(TurnStatus.RUNNING.dbValue()))
                        .and(TURN.WORKER.eq(worker))
                        .and(TURN.LEASE_UNTIL.ge(odt(now))))
                .execute());
        Turn t = findTurn(turnId).orElseThrow(JooqConversations::turnNotFound);
        if (n == 0) {
            if (t.status() != TurnStatus.RUNNING) {
                throw notRunning(t.status());
            }
            throw leaseLost();
        }
        return t;
    }

    @Override
    public Turn finishTurn(UUID turnId, String worker, String error, Instant now) {
        UUID sessionId = sessionOf(turnId).orElseThrow(JooqConversations::turnNotFound);
        return write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, sessionId);
            TurnRecord t = lockTurn(tx, turnId);
            if (locked.isEmpty() || TurnStatus.fromDb(t.getStatus()).isFinished()) {
                return turn(t);
            }
            requireHeld(t, worker, now, false);
            t.setStatus(error == null ? TurnStatus.DONE.dbValue() : TurnStatus.ERROR.dbValue());
            t.setError(error);
            t.setFinishedAt(odt(now));
            t.setLeaseUntil(null);
            t.setOpenMessageId(null);
            t.update();
            Turn finished = turn(t);
            Log log = log(tx, sessionId, now, appended);
            log.append(
                    error == null ? EventType.TURN_DONE : EventType.TURN_FAILED,
                    turnId,
                    null,
                    payload("turn", ConversationJson.turn(finished)));
            followTurns(tx, locked.get(), log, now);
            return finished;
        });
    }

    @Override
    public int sweepLapsedLeases(int maxClaims, Instant now) {
        List<UUID> lapsed = guard(() -> dsl.select(TURN.ID)
                .from(TURN)
                .where(TURN.STATUS.eq(TurnStatus.RUNNING.dbValue()).and(TURN.LEASE_UNTIL.lt(odt(now))))
                .orderBy(TURN.LEASE_UNTIL)
                .limit(100)
                .fetch(TURN.ID));
        int handled = 0;
        for (UUID turnId : lapsed) {
            Optional<UUID> sessionId = sessionOf(turnId);
            if (sessionId.isEmpty()) {
                continue;
            }
            boolean done = write((tx, appended) -> {
                Optional<Locked> locked = lock(tx, sessionId.get(), true);
                if (locked.isEmpty()) {
                    return false;
                }
                TurnRecord t = lockTurn(tx, turnId);
                if (!TurnStatus.RUNNING.dbValue().equals(t.getStatus())
                        || !t.getLeaseUntil().toInstant().isBefore(now)) {
                    return false;
                }
                Log log = log(tx, sessionId.get(), now, appended);
                t.setWorker(null);
                t.setLeaseUntil(null);
                if (t.getOutputSteps() == 0 && t.getClaims() < maxClaims) {
                    t.setStatus(TurnStatus.QUEUED.dbValue());
                    t.setStartedAt(null);
                    t.update();
                    log.append(EventType.TURN_QUEUED, turnId, null, payload("turn", ConversationJson.turn(turn(t))));
                } else {
                    t.setStatus(TurnStatus.ERROR.dbValue());
                    t.setError("lease expired");
                    t.setFinishedAt(odt(now));
                    t.setOpenMessageId(null);
                    t.update();
                    log.append(EventType.TURN_FAILED, turnId, null, payload("turn", ConversationJson.turn(turn(t))));
                    followTurns(tx, locked.get(), log, now);
                }
                return true;
            });
            if (done) {
                handled++;
            }
        }
        return handled;
    }

    // ---- Helpers

    /**
     * Moves the session's status with its turns: an open turn moves a resumable status to running; none left
     * open moves running to waiting. The caller holds the session lock; one call per transaction.
     */
    void followTurns(DSLContext tx, Locked row, Log log, Instant now) {
        boolean open = tx.fetchExists(TURN, TURN.SESSION_ID.eq(row.id()).and(TURN.STATUS.in(OPEN)));
        SessionStatus to = row.status();
        if (open && RESUMABLE.contains(row.status())) {
            to = SessionStatus.RUNNING;
        } else if (!open && row.status() == SessionStatus.RUNNING) {
            to = SessionStatus.WAITING;
        }
        if (to == row.status()) {
            return;
        }
        OffsetDateTime at = bump(row, now);
        var update = tx.update(SESSION).set(SESSION.STATUS, to.dbValue()).set(SESSION.UPDATED_AT, at);
        if (to == SessionStatus.RUNNING) {
            update = update.set(SESSION.STARTED_AT, DSL.coalesce(SESSION.STARTED_AT, DSL.val(at)));
        }
        update.where(SESSION.ID.eq(row.id())).execute();
        countMove(tx, row, to);
        statusChanged(log, row.status(), to);
    }

    static void statusChanged(Log log, SessionStatus from, SessionStatus to) {
        ObjectNode p = ConversationJson.MAPPER.createObjectNode();
        p.put("from", from.dbValue());
        p.put("to", to.dbValue());
        log.append(EventType.SESSION_STATUS_CHANGED, null, null, p);
    }

    private static Message insertMessage(
            DSLContext tx,
            Log log,
            UUID sessionId,
            UUID id,
            UUID turnId,
            UUID chatId,
            Role role,
            List<Part> content,
            Instant now) {
        MessageRecord m = tx.newRecord(MESSAGE);
        m.setId(id);
        m.setSessionId(sessionId);
        m.setTurnId(turnId);
        m.setChatId(chatId);
        m.setSeq(log.next());
        m.setRole(role.dbValue());
        m.setContent(JSONB.valueOf(ConversationJson.parts(content).toString()));
        m.setObjectId(Ids.newObjectId());
        m.setCreatedAt(odt(now));
        m.insert();
        return message(m);
    }

    private Optional<UUID> sessionOf(UUID turnId) {
        return guard(() ->
                dsl.select(TURN.SESSION_ID).from(TURN).where(TURN.ID.eq(turnId)).fetchOptional(TURN.SESSION_ID));
    }

    private static TurnRecord lockTurn(DSLContext tx, UUID turnId) {
        return tx.selectFrom(TURN).where(TURN.ID.eq(turnId)).forUpdate().fetchSingle();
    }

    private static Optional<Event> stepEvent(DSLContext ctx, UUID turnId, int step) {
        return guard(() -> ctx.selectFrom(EVENT)
                .where(EVENT.TURN_ID.eq(turnId).and(EVENT.STEP.eq(step)))
                .fetchOptional(JooqConversations::event));
    }

    private static void requireHeld(TurnRecord t, String worker, Instant now, boolean leaseMustHold) {
        TurnStatus status = TurnStatus.fromDb(t.getStatus());
        if (status != TurnStatus.RUNNING) {
            throw notRunning(status);
        }
        if (!t.getWorker().equals(worker)
                || (leaseMustHold && t.getLeaseUntil().toInstant().isBefore(now))) {
            throw leaseLost();
        }
    }

    private static GatewayException notRunning(TurnStatus status) {
        return new GatewayException(
                ErrorKind.CONFLICT, "turn_not_running", "the turn is " + status.dbValue() + ", not running", null);
    }

    private static GatewayException leaseLost() {
        return new GatewayException(
                ErrorKind.CONFLICT, "lease_lost", "the turn's lease is not held by this worker", null);
    }

    private static GatewayException turnNotFound() {
        return GatewayException.notFound("turn_not_found", "turn not found");
    }

    private static ObjectNode payload(String field, JsonNode value) {
        ObjectNode p = ConversationJson.MAPPER.createObjectNode();
        p.set(field, value);
        return p;
    }

    private static JsonNode tree(JSONB value) {
        try {
            return ConversationJson.MAPPER.readTree(value.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    static Turn turn(TurnRecord r) {
        return new Turn(
                r.getId(),
                r.getSessionId(),
                r.getNumber(),
                r.getChatId(),
                r.getPreviousTurnId(),
                TurnStatus.fromDb(r.getStatus()),
                r.getCancelReason() == null ? null : CancelReason.fromValue(r.getCancelReason()),
                r.getError(),
                r.getInputMessageId(),
                r.getResponder(),
                inst(r.getCreatedAt()),
                inst(r.getStartedAt()),
                inst(r.getFinishedAt()),
                r.getWorker(),
                inst(r.getLeaseUntil()),
                r.getClaims(),
                r.getOutputSteps());
    }

    static Message message(MessageRecord r) {
        return new Message(
                r.getId(),
                r.getSessionId(),
                r.getTurnId(),
                r.getChatId(),
                r.getSeq(),
                Role.fromDb(r.getRole()),
                ConversationJson.parts(tree(r.getContent())),
                r.getObjectId(),
                inst(r.getCreatedAt()));
    }

    static Event event(EventRecord r) {
        return new Event(
                r.getSessionId(),
                r.getSeq(),
                r.getId(),
                EventType.fromValue(r.getType()).orElseThrow(),
                r.getTurnId(),
                r.getStep(),
                tree(r.getPayload()),
                inst(r.getCreatedAt()));
    }

    // ---- Chats

    @Override
    public Optional<Chat> createChat(UUID sessionId, UUID chatId, String title, String modelId, Instant createdAt) {
        return write((tx, appended) -> {
            if (lock(tx, sessionId).isEmpty()) {
                return Optional.<Chat>empty();
            }
            ChatRecord existing = tx.selectFrom(CHAT).where(CHAT.ID.eq(chatId)).fetchOne();
            if (existing != null) {
                if (!existing.getSessionId().equals(sessionId)) {
                    throw new GatewayException(ErrorKind.CONFLICT, "chat_conflict", "Chat ID conflict", "id");
                }
                return Optional.of(chat(existing));
            }
            ChatRecord r = tx.newRecord(CHAT);
            r.setId(chatId);
            r.setSessionId(sessionId);
            r.setTitle(title);
            r.setModelId(modelId);
            r.setCreatedAt(odt(createdAt));
            r.setUpdatedAt(odt(createdAt));
            r.insert();
            return Optional.of(chat(r));
        });
    }

    @Override
    public Optional<Chat> findChat(UUID chatId) {
        return guard(() -> dsl.selectFrom(CHAT).where(CHAT.ID.eq(chatId)).fetchOptional(JooqConversations::chat));
    }

    @Override
    public List<Chat> listChats(UUID sessionId) {
        return guard(() -> dsl.selectFrom(CHAT)
                .where(CHAT.SESSION_ID.eq(sessionId))
                .orderBy(CHAT.CREATED_AT, CHAT.ID)
                .fetch(JooqConversations::chat));
    }

    @Override
    public Optional<Chat> updateChat(UUID chatId, String title, String modelId, Instant now) {
        return write((tx, appended) -> {
            ChatRecord r = tx.selectFrom(CHAT)
                    .where(CHAT.ID.eq(chatId).and(CHAT.DELETED_AT.isNull()))
                    .forUpdate()
                    .fetchOne();
            if (r == null) {
                return Optional.<Chat>empty();
            }
            if (title != null) {
                r.setTitle(title);
            }
            if (modelId != null) {
                r.setModelId(modelId);
            }
            r.setUpdatedAt(odt(now));
            r.update();
            return Optional.of(chat(r));
        });
    }

    @Override
    public boolean deleteChat(UUID chatId, Instant now) {
        Optional<Chat> found = findChat(chatId);
        if (found.isEmpty() || found.get().isDeleted()) {
            return false;
        }
        UUID sessionId = found.get().sessionId();
        return write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, sessionId);
            ChatRecord r = tx.selectFrom(CHAT)
                    .where(CHAT.ID.eq(chatId).and(CHAT.DELETED_AT.isNull()))
                    .forUpdate()
                    .fetchOne();
            if (locked.isEmpty() || r == null) {
                return false;
            }
            r.setDeletedAt(odt(now));
            r.setUpdatedAt(odt(now));
            r.update();
            Condition ofChat = found.get().isDefault() ? TURN.CHAT_ID.isNull() : TURN.CHAT_ID.eq(chatId);
            List<TurnRecord> open = tx.selectFrom(TURN)
                    .where(TURN.SESSION_ID.eq(sessionId).and(ofChat).and(TURN.STATUS.in(OPEN)))
                    .orderBy(TURN.NUMBER)
                    .forUpdate()
                    .fetch();
            if (!open.isEmpty()) {
                Log log = log(tx, sessionId, now, appended);
                for (TurnRecord t : open) {
                    cancel(tx, log, t, CancelReason.ABANDONED, now);
                }
                followTurns(tx, locked.get(), log, now);
            }
            return true;
        });
    }

    @Override
    public void markChatRead(UUID chatId, UUID accountId, Instant now) {
        guard(() -> dsl.insertInto(CHAT_READ)
                .columns(CHAT_READ.CHAT_ID, CHAT_READ.ACCOUNT_ID, CHAT_READ.READ_AT)
                .values(chatId, accountId, odt(now))
                .onConflict(CHAT_READ.CHAT_ID, CHAT_READ.ACCOUNT_ID)
                .doUpdate()
                .set(CHAT_READ.READ_AT, odt(now))
                .execute());
    }

    @Override
    public Map<UUID, Instant> chatReads(UUID sessionId, UUID accountId) {
        Map<UUID, Instant> reads = new HashMap<>();
        guard(() -> dsl.select(CHAT_READ.CHAT_ID, CHAT_READ.READ_AT)
                        .from(CHAT_READ)
                        .where(CHAT_READ
                                .ACCOUNT_ID
                                .eq(accountId)
                                .and(CHAT_READ
                                        .CHAT_ID
                                        .in(DSL.select(CHAT.ID).from(CHAT).where(CHAT.SESSION_ID.eq(sessionId)))
                                        .or(CHAT_READ.CHAT_ID.eq(sessionId))))
                        .fetch())
                .forEach(r -> reads.put(r.value1(), inst(r.value2())));
        return reads;
    }

    @Override
    public Map<UUID, Instant> lastAgentMessages(UUID sessionId) {
        Map<UUID, Instant> last = new HashMap<>();
        guard(() -> dsl.select(MESSAGE.CHAT_ID, DSL.max(MESSAGE.CREATED_AT))
                        .from(MESSAGE)
                        .where(MESSAGE.SESSION_ID.eq(sessionId).and(MESSAGE.ROLE.eq(Role.AGENT.dbValue())))
                        .groupBy(MESSAGE.CHAT_ID)
                        .fetch())
                .forEach(r -> last.put(r.value1(), inst(r.value2())));
        return last;
    }

    @Override
    public List<Message> listChatMessages(UUID sessionId, UUID chatId, int limit) {
        Condition ofChat = chatId == null ? MESSAGE.CHAT_ID.isNull() : MESSAGE.CHAT_ID.eq(chatId);
        return guard(() -> dsl.selectFrom(MESSAGE)
                .where(MESSAGE.SESSION_ID.eq(sessionId).and(ofChat))
                .orderBy(MESSAGE.SEQ)
                .limit(limit)
                .fetch(JooqConversations::message));
    }

    static Chat chat(ChatRecord r) {
        return new Chat(
                r.getId(),
                r.getSessionId(),
                r.getTitle(),
                r.getModelId(),
                inst(r.getCreatedAt()),
                inst(r.getUpdatedAt()),
                r.getDeletedAt() == null ? null : inst(r.getDeletedAt()));
    }
}
