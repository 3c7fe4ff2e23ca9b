package io.sessiongateway.core.conversation.responder;

import io.sessiongateway.core.conversation.ClaimedTurn;

/**
 * An in-process worker's answer to a turn: it streams through {@link TurnWriter} exactly what an external runtime
 * would append through the runtime API, and finishes the turn (done or error).
 */
public interface Responder {
    /** The responder name agents choose it by ({@code echo}, {@code script}). */
    String name();

    /**
     * Answers the turn. Returns when the turn is finished; a cancellation surfaces as {@link TurnWriter.Cancelled}.
     */
    void answer(ClaimedTurn turn, TurnWriter out) throws InterruptedException;
}
