package io.sessiongateway.core.store;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.model.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns, messages and the per-session event log (docs/architecture.md, "Conversations").
 *
 * <p>Every write is one transaction that appends its events under the session's row lock: sequence numbers are
 * dense and ordered, and no reader sees a row without its event or the reverse. Every turn write takes the session
 * lock first, then the turn's, so writers never wait on each other in a cycle. Access rules are the service's.
 *
 * <p>Worker writes ({@link #appendOutput}, {@link #extendLease}) fail with {@code CONFLICT} when the turn is not
 * running under that worker's lease (code {@code turn_not_running} or {@code lease_lost}): that is how a worker
 * learns its turn was cancelled or taken from it. A missing turn or session is {@code NOT_FOUND}.
 */
public interface ConversationStore {

    /**
     * Registers a listener told {@code (session, last seq)} after each commit that appended events, in the
     * committing thread. It must not block.
     */
    void onAppended(BiConsumer<UUID, Long> listener);

    /**
     * Stores a client's message and its {@code message.created} event; a user message also queues a turn answered
     * by {@code responder} ({@code turn.queued}) and moves the session to running ({@code session.status.changed}).
     *
     * @return empty when there is no live session with that id
     */
    default Optional<Posted> postMessage(UUID sessionId, NewMessage message, String responder, Instant now) {
        return postMessage(sessionId, message, responder, now, status -> true, () -> {
            throw new AssertionError("every status is open");
        });
    }

    /**
     * {@link #postMessage(UUID, NewMessage, String, Instant)} when the session's status, read under its row lock in
     * the posting transaction, passes {@code open}; otherwise throws what {@code closed} supplies, and nothing is
     * written. (A check before the call could pass and a concurrent cancel land before the write.)
     */
    Optional<Posted> postMessage(
            UUID sessionId,
            NewMessage message,
            String responder,
            Instant now,
            Predicate<SessionStatus> open,
            Supplier<? extends RuntimeException> closed);

    /** The session's messages with {@code afterSeq < seq < beforeSeq} (null: no bound), by seq, at most limit. */
    List<Message> listMessages(UUID sessionId, long afterSeq, Long beforeSeq, int limit, boolean descending);

    /** By Agentcloud ObjectId. */
    Optional<Message> findMessageByObjectId(String objectId);

    /** The session's turns with a number below {@code beforeNumber} (null: all), newest first, at most limit. */
    List<Turn> listTurns(UUID sessionId, Integer beforeNumber, int limit);

    Optional<Turn> findTurn(UUID turnId);

    /** One page of the session's log (tombstoned sessions included: their log ends with session.deleted). */
    List<Event> listEvents(UUID sessionId, EventQuery query);

    /** The number of events matching the query, its bounds on seq and limit included except the limit. */
    long countEvents(UUID sessionId, EventQuery query);

    /** By event id (Everruns {@code since_id}). */
    Optional<Event> findEvent(UUID eventId);

    /** The session's last sequence number (0 before its first event); empty when there is no such session. */
    Optional<Long> lastSeq(UUID sessionId);

    /**
     * Cancels a queued or running turn ({@code turn.cancelled} with the reason; the session moves to waiting when no
     * turn is left open). A finished turn stays as it is.
     *
     * @return the turn after the call; empty when there is none
     */
    Optional<Turn> cancelTurn(UUID turnId, CancelReason reason, Instant now);

    /**
     * Claims up to {@code max} queued turns answered by one of {@code responders}: the oldest queued turn of each
     * session without a running turn. Sessions another transaction holds are skipped ({@code SKIP LOCKED}), so
     * claimants on any instance never wait on each other and a turn has one claimant. Each claimed turn is running
     * under {@code worker}'s lease until {@code now + lease}, with {@code turn.started} appended.
     */
    default List<ClaimedTurn> claimTurns(Set<String> responders, String worker, Duration lease, int max, Instant now) {
        return claimTurns(responders, null, worker, lease, max, now);
    }

    /**
     * As {@link #claimTurns(Set, String, Duration, int, Instant)}, only turns of sessions of the tenant with this
     * name (null: of every tenant): a tenant's worker never sees another tenant's turns.
     */
    List<ClaimedTurn> claimTurns(
            Set<String> responders, String tenantName, String worker, Duration lease, int max, Instant now);

    /** The name of the tenant of the turn's session (deleted sessions included); empty when there is no turn. */
    Optional<String> tenantOfTurn(UUID turnId);

    /**
     * Appends one output step of a running turn the worker holds. Idempotent by (turn, step): repeating a step
     * answers the first result and writes nothing, whatever the output given.
     *
     * @return the step's event
     */
    Event appendOutput(UUID turnId, String worker, int step, Output output, Instant now);

    /** Moves the worker's lease to {@code now + lease}. */
    Turn extendLease(UUID turnId, String worker, Duration lease, Instant now);

    /**
     * Finishes a running turn the worker holds: {@code done} when {@code error} is null, else {@code error}. A turn
     * already finished (cancelled meanwhile, or finished before) is answered as it is.
     */
    Turn finishTurn(UUID turnId, String worker, String error, Instant now);

    /**
     * Handles turns whose lease lapsed before {@code now}: one that appended no output goes back to the queue
     * ({@code turn.queued}) unless it was claimed {@code maxClaims} times; any other fails with error
     * {@code "lease expired"} ({@code turn.failed}), since replaying its output would repeat it.
     *
     * @return how many turns it handled
     */
    int sweepLapsedLeases(int maxClaims, Instant now);

    // ---- Chats (Recoup): a session's extra chats and read marks

    /**
     * Creates a chat of a live session. An id the session already has (live or deleted) answers that chat as it is;
     * an id another session has raises {@code CONFLICT} ({@code chat_conflict}).
     *
     * @return empty when there is no live session with that id
     */
    Optional<Chat> createChat(UUID sessionId, UUID chatId, String title, String modelId, Instant createdAt);

    /** A chat by id, tombstones included. */
    Optional<Chat> findChat(UUID chatId);

    /** The session's chat rows (tombstones included), by creation, then id. */
    List<Chat> listChats(UUID sessionId);

    /** Sets the chat's title and/or model (null: unchanged); empty when it has no live row. */
    Optional<Chat> updateChat(UUID chatId, String title, String modelId, Instant now);

    /**
     * Deletes a live chat (a tombstone) and cancels its open turns ({@code abandoned}, with their events); its
     * messages stay in the session's log. False when it has no live row.
     */
    boolean deleteChat(UUID chatId, Instant now);

    /** Marks the chat read for the account now. */
    void markChatRead(UUID chatId, UUID accountId, Instant now);

    /** The account's read marks in the session's chats, by chat id. */
    Map<UUID, Instant> chatReads(UUID sessionId, UUID accountId);

    /** When each chat of the session got its last agent message, by chat id (null: the default chat). */
    Map<UUID, Instant> lastAgentMessages(UUID sessionId);

    /** A chat's messages (null: the default chat's), by seq, at most limit. */
    List<Message> listChatMessages(UUID sessionId, UUID chatId, int limit);
}
