package io.sessiongateway.core.service;

import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventBus;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Subscription;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.store.ConversationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the runtime API does for external workers (docs/architecture.md, "Work by lease"): the store's worker calls,
 * scoped to the worker's tenant (a tenant's worker never claims, reads or writes another tenant's turn: for it that
 * turn does not exist) and under a lease holder named {@code <subject>/<worker name>}, plus the waiting a remote
 * worker needs: a claim waits for queued work, an events read for the turn's next event.
 *
 * <p>Raises NOT_FOUND ({@code turn_not_found}) for a turn that is not the worker's tenant's, and the store's
 * CONFLICT ({@code turn_not_running}, {@code lease_lost}) for writes to a turn the worker no longer holds.
 */
public final class RuntimeService {
    /** How often a waiting claim looks again without a local signal (work queued through another instance). */
    private static final Duration RECHECK = Duration.ofMillis(250);
    /** The most events one read answers. */
    public static final int EVENT_PAGE = 256;

    private final ConversationStore store;
    private final EventBus bus;
    private final Clock clock;
    private final Object signal = new Object();
    private long commits;

    public RuntimeService(ConversationStore store, EventBus bus, Clock clock) {
        this.store = store;
        this.bus = bus;
        this.clock = clock;
        store.onAppended((session, seq) -> {
            synchronized (signal) {
                commits++;
                signal.notifyAll();
            }
        });
    }

    /** The lease holder's name: the credential's subject and the worker process's name under it. */
    public static String holder(Principal worker, String name) {
        return worker.subject().id() + "/" + (name == null ? "default" : name);
    }

    /**
     * Claims up to {@code max} queued turns of these responders in the worker's tenant (every tenant for a worker of
     * tenant {@code *}), waiting up to {@code wait} for one when there is none: each commit of this instance wakes
     * the wait, and it looks again every 250 ms for work queued through other instances.
     */
    public List<ClaimedTurn> claim(
            Principal worker, String name, Set<String> responders, int max, Duration lease, Duration wait)
            throws InterruptedException {
        String tenant = worker.everyTenant() ? null : worker.tenant();
        String holder = holder(worker, name);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen;
            synchronized (signal) {
                seen = commits;
            }
            List<ClaimedTurn> claimed = store.claimTurns(responders, tenant, holder, lease, max, now());
            long left = deadline - System.nanoTime();
            if (!claimed.isEmpty() || left <= 0) {
                return claimed;
            }
            synchronized (signal) {
                if (commits == seen) {
                    long millis = Math.max(
                            1,
                            Math.min(RECHECK.toMillis(), Duration.ofNanos(left).toMillis()));
                    signal.wait(millis);
                }
            }
        }
    }

    public Event append(Principal worker, String name, UUID turnId, int step, Output output) {
        requireTenant(worker, turnId);
        return store.appendOutput(turnId, holder(worker, name), step, output, now());
    }

    public Turn extendLease(Principal worker, String name, UUID turnId, Duration lease) {
        requireTenant(worker, turnId);
        return store.extendLease(turnId, holder(worker, name), lease, now());
    }

    public Turn finish(Principal worker, String name, UUID turnId, String error) {
        requireTenant(worker, turnId);
        return store.finishTurn(turnId, holder(worker, name), error, now());
    }

    public Turn turn(Principal worker, UUID turnId) {
        requireTenant(worker, turnId);
        return store.findTurn(turnId).orElseThrow(RuntimeService::turnNotFound);
    }

    /**
     * The turn's events after {@code afterSeq}, oldest first, at most {@link #EVENT_PAGE}; with none yet, waits up to
     * {@code wait} for the turn's next event (through the bus, so an event written on any instance ends the wait).
     */
    public List<Event> events(Principal worker, UUID turnId, long afterSeq, Duration wait) throws InterruptedException {
        Turn turn = turn(worker, turnId);
        EventQuery query = new EventQuery(afterSeq, null, Set.of(), turnId, EVENT_PAGE, false);
        List<Event> events = store.listEvents(turn.sessionId(), query);
        if (!events.isEmpty() || wait.isZero()) {
            return events;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try (Subscription sub = bus.subscribe(turn.sessionId(), afterSeq)) {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Event e = sub.poll(Duration.ofNanos(left));
                if (e == null ? !sub.isOpen() : turnId.equals(e.turnId())) {
                    break;
                }
            }
        }
        return store.listEvents(turn.sessionId(), query);
    }

    private void requireTenant(Principal worker, UUID turnId) {
        String tenant = store.tenantOfTurn(turnId).orElseThrow(RuntimeService::turnNotFound);
        if (!worker.everyTenant() && !tenant.equals(worker.tenant())) {
            throw turnNotFound();
        }
    }

    private static GatewayException turnNotFound() {
        return GatewayException.notFound("turn_not_found", "no such turn");
    }

    private Instant now() {
        return clock.instant();
    }
}
