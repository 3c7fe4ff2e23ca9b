package io.sessiongateway.core.service;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.store.ConversationStore;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Conversation use cases in canonical terms (docs/architecture.md, "Conversations"), guarded by the session's
 * access rules as the lifecycle resolves them: reads need read access, posting and cancelling need write access.
 * Dialect adapters (next: issue #13's operations) compose these and render the log in their own shapes.
 */
public final class ConversationService {
    /** Messages read per query when a dialect reads them all. */
    static final int MESSAGE_PAGE = 500;

    private final SessionStore sessions;
    private final ConversationStore store;
    private final SessionLifecycle lifecycle;
    private final Clock clock;

    public ConversationService(
            SessionStore sessions, ConversationStore store, SessionLifecycle lifecycle, Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /**
     * Posts the caller's message; a user message queues a turn for the responder of the session's agent. Raises as
     * resolving a write does; NOT_FOUND when the session is deleted meanwhile.
     */
    public Posted post(Principal caller, AccessRule rule, SessionKey key, NewMessage message) {
        return post(caller, rule, key, message, status -> true, () -> {
            throw new AssertionError("every status is open");
        });
    }

    /**
     * {@link #post(Principal, AccessRule, SessionKey, NewMessage)} to a session whose status passes {@code open};
     * otherwise throws what {@code closed} supplies and writes nothing. The status is checked twice: on the session
     * as resolved (a cheap early answer) and again under the session's row lock in the posting transaction, so a
     * cancel that lands between the two still refuses the message.
     */
    public Posted post(
            Principal caller,
            AccessRule rule,
            SessionKey key,
            NewMessage message,
            Predicate<SessionStatus> open,
            Supplier<? extends RuntimeException> closed) {
        Session session = lifecycle.writable(caller, rule, key);
        if (!open.test(session.status())) {
            throw closed.get();
        }
        String responder = sessions.findAgentById(session.agent().id())
                .map(Agent::responder)
                .orElse(Agent.DEFAULT_RESPONDER);
        NewMessage posted = new NewMessage(message.role(), message.content(), message.chatId(), caller.subject());
        return store.postMessage(session.id(), posted, responder, now(), open, closed)
                .orElseThrow(ConversationService::gone);
    }

    /** The session's messages by seq between the bounds (exclusive; null: none), at most limit. */
    public List<Message> messages(
            Principal caller, AccessRule rule, SessionKey key, long afterSeq, Long beforeSeq, int limit, boolean desc) {
        Session session = lifecycle.read(caller, rule, key);
        return store.listMessages(session.id(), afterSeq, beforeSeq, limit, desc);
    }

    /**
     * Every message of a session after the one whose ObjectId (Agentcloud's {@code _id}) is {@code afterObjectId}
     * (null: from the first), by seq: what a client that polls with the last message it has reads next, with no loss
     * and no repeat whichever instance wrote them. Read in pages of {@link #MESSAGE_PAGE}.
     *
     * <p>{@code readable} is a session the caller was let read by the dialect's read rule
     * ({@link SessionLifecycle#read}, or {@link SessionService#getSharedInTeam}, which lets anyone read a public
     * session). Raises NOT_FOUND ({@code message_not_found}, param {@code messageId}) when no message of that
     * session has the ObjectId.
     */
    public List<Message> messagesAfter(Session readable, String afterObjectId) {
        return messagesAfter(readable, afterObjectId, MESSAGE_PAGE);
    }

    /** {@link #messagesAfter(Session, String)}, read in pages of {@code page}. */
    List<Message> messagesAfter(Session readable, String afterObjectId, int page) {
        long after = 0;
        if (afterObjectId != null) {
            after = store.findMessageByObjectId(afterObjectId)
                    .filter(m -> m.sessionId().equals(readable.id()))
                    .orElseThrow(() -> new GatewayException(
                            ErrorKind.NOT_FOUND,
                            "message_not_found",
                            "no message of this session has that id",
                            "messageId"))
                    .seq();
        }
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> rows = store.listMessages(readable.id(), after, null, page, false);
            all.addAll(rows);
            if (rows.size() < page) {
                return all;
            }
            after = rows.get(rows.size() - 1).seq();
        }
    }

    /** The session's turns, newest first, numbered below {@code beforeNumber} (null: all). */
    public List<Turn> turns(Principal caller, AccessRule rule, SessionKey key, Integer beforeNumber, int limit) {
        Session session = lifecycle.read(caller, rule, key);
        return store.listTurns(session.id(), beforeNumber, limit);
    }

    /** One turn of the session; NOT_FOUND when the session has no such turn. */
    public Turn turn(Principal caller, AccessRule rule, SessionKey key, UUID turnId) {
        Session session = lifecycle.read(caller, rule, key);
        return store.findTurn(turnId)
                .filter(t -> t.sessionId().equals(session.id()))
                .orElseThrow(() -> GatewayException.notFound("turn_not_found", "turn not found"));
    }

    /** One page of the session's log. */
    public List<Event> events(Principal caller, AccessRule rule, SessionKey key, EventQuery query) {
        Session session = lifecycle.read(caller, rule, key);
        return store.listEvents(session.id(), query);
    }

    /**
     * One session's log, resolved and checked for read access once: for a dialect that reads several pages (or
     * resolves a cursor) in one request. Raises as resolving a read does.
     */
    public SessionLog log(Principal caller, AccessRule rule, SessionKey key) {
        Session session = lifecycle.read(caller, rule, key);
        return new SessionLog(session.id(), store);
    }

    /**
     * The log of a session the caller already read (through {@link SessionLifecycle#read}, which checked access):
     * for a dialect that reads the log several times in one request (a page of turns, each with its input and its
     * last output), so that the session is resolved once, not once per read.
     */
    public SessionLog log(Session readable) {
        return new SessionLog(readable.id(), store);
    }

    /** Reads of one session's log, after the access check of {@link #log}. */
    public static final class SessionLog {
        private final UUID sessionId;
        private final ConversationStore store;

        SessionLog(UUID sessionId, ConversationStore store) {
            this.sessionId = sessionId;
            this.store = store;
        }

        public UUID sessionId() {
            return sessionId;
        }

        /** One page of the log. */
        public List<Event> page(EventQuery query) {
            return store.listEvents(sessionId, query);
        }

        /** One page of the session's turns, newest first ({@link ConversationService#turns}). */
        public List<Turn> turns(Integer beforeNumber, int limit) {
            return store.listTurns(sessionId, beforeNumber, limit);
        }

        /** The event with this id when it belongs to this session (a cursor naming another session's is unknown). */
        public Optional<Event> find(UUID eventId) {
            return store.findEvent(eventId).filter(e -> e.sessionId().equals(sessionId));
        }
    }

    /**
     * Cancels the session's open turns (the running one and any queued), newest first; empty when none was open
     * (Everruns answers {@code no_op}). Returns the running or oldest cancelled turn.
     */
    public Optional<Turn> cancelOpenTurns(Principal caller, AccessRule rule, SessionKey key, CancelReason reason) {
        Session session = lifecycle.writable(caller, rule, key);
        Optional<Turn> first = Optional.empty();
        for (Turn t : store.listTurns(session.id(), null, 100)) {
            if (!t.status().isFinished()) {
                Optional<Turn> cancelled = store.cancelTurn(t.id(), reason, now());
                if (cancelled.isPresent() && cancelled.get().status() == TurnStatus.CANCELLED) {
                    first = cancelled;
                }
            }
        }
        return first;
    }

    private static GatewayException gone() {
        return GatewayException.notFound("session_not_found", "session not found");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
