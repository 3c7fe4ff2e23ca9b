package io.sessiongateway.core.conversation.responder;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.store.ConversationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A worker's handle on a claimed turn: numbers its output steps, extends the lease when half of it is gone, and
 * turns the store's "not running any more" into {@link Cancelled}.
 */
public final class TurnWriter {
    /** The turn was cancelled, or taken from this worker: stop. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(GatewayException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final ConversationStore store;
    private final UUID turnId;
    private final String worker;
    private final Duration lease;
    private final Clock clock;
    private Instant leaseUntil;
    private int step;

    public TurnWriter(
            ConversationStore store, UUID turnId, String worker, Duration lease, Instant leaseUntil, Clock clock) {
        this.store = store;
        this.turnId = turnId;
        this.worker = worker;
        this.lease = lease;
        this.leaseUntil = leaseUntil;
        this.clock = clock;
    }

    public Event delta(String text) {
        return append(new Output.TextDelta(text));
    }

    public Event message(String text) {
        return append(new Output.AgentMessage(List.of(new Part.Text(text))));
    }

    public Event toolCall(String callId, String name, JsonNode arguments) {
        return append(new Output.ToolCall(callId, name, arguments));
    }

    public Event toolResult(String callId, String output, boolean isError) {
        return append(new Output.ToolResult(callId, output, isError));
    }

    public void done() {
        finish(null);
    }

    public void fail(String error) {
        finish(error);
    }

    /** Sleeps, keeping the lease. */
    public void pause(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis());
        }
        keepLease();
    }

    private Event append(Output output) {
        keepLease();
        try {
            return store.appendOutput(turnId, worker, ++step, output, clock.instant());
        } catch (GatewayException e) {
            throw stopped(e);
        }
    }

    private void finish(String error) {
        try {
            store.finishTurn(turnId, worker, error, clock.instant());
        } catch (GatewayException e) {
            throw stopped(e);
        }
    }

    private void keepLease() {
        Instant now = clock.instant();
        if (now.plus(lease.dividedBy(2)).isAfter(leaseUntil)) {
            try {
                leaseUntil = store.extendLease(turnId, worker, lease, now).leaseUntil();
            } catch (GatewayException e) {
                throw stopped(e);
            }
        }
    }

    private static RuntimeException stopped(GatewayException e) {
        return e.kind() == ErrorKind.CONFLICT ? new Cancelled(e) : e;
    }
}
