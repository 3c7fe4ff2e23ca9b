package io.sessiongateway.core.conversation;

import java.time.Instant;
import java.util.UUID;

/**
 * One unit of agent work, started by a user message.
 *
 * @param number 1, 2, ... within the session
 * @param cancelReason set when cancelled
 * @param error set when the worker failed it, or its lease lapsed after output
 * @param worker the claimant holding the lease while running
 * @param claims how many times a worker claimed it
 * @param outputSteps how many output steps workers appended
 */
public record Turn(
        UUID id,
        UUID sessionId,
        int number,
        UUID chatId,
        UUID previousTurnId,
        TurnStatus status,
        CancelReason cancelReason,
        String error,
        UUID inputMessageId,
        String responder,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String worker,
        Instant leaseUntil,
        int claims,
        int outputSteps) {}
