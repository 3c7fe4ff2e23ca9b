package io.sessiongateway.core.conversation.responder;

import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.store.ConversationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process workers of the built-in responders: threads that claim queued turns of the responders they run,
 * through the same claim/lease/append/finish calls an external runtime makes (docs/architecture.md, "Work by lease";
 * lapsed leases are the {@code LeaseSweeper}'s). Each commit wakes them; without one they poll every {@code idle}.
 */
public final class ResponderWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderWorkers.class);
    private final ConversationStore store;
    private final Map<String, Responder> responders;
    private final Duration lease;
    private final Duration idle;
    private final Clock clock;
    private final String instance = "gateway-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public ResponderWorkers(
            ConversationStore store,
            List<Responder> responders,
            int threads,
            Duration lease,
            Duration idle,
            Clock clock) {
        this.store = store;
        this.responders = responders.stream().collect(Collectors.toMap(Responder::name, Function.identity()));
        this.lease = lease;
        this.idle = idle;
        this.clock = clock;
        store.onAppended((session, seq) -> {
            if (wake.availablePermits() < threads) {
                wake.release();
            }
        });
        for (int i = 0; i < threads; i++) {
            String worker = instance + "-" + i;
            Thread t = new Thread(() -> work(worker), "responder-" + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    private void work(String worker) {
        while (running) {
            try {
                List<ClaimedTurn> claimed = store.claimTurns(responders.keySet(), worker, lease, 1, clock.instant());
                if (claimed.isEmpty()) {
                    wake.tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                for (ClaimedTurn c : claimed) {
                    run(worker, c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("responder worker failed; retrying: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private void run(String worker, ClaimedTurn c) throws InterruptedException {
        TurnWriter out =
                new TurnWriter(store, c.turn().id(), worker, lease, c.turn().leaseUntil(), clock);
        try {
            responders.get(c.turn().responder()).answer(c, out);
        } catch (TurnWriter.Cancelled e) {
            // cancelled, or the lease was lost: the turn is someone else's business now
        } catch (RuntimeException e) {
            LOG.warn("responder {} failed a turn: {}", c.turn().responder(), e.toString());
            try {
                out.fail("responder failed");
            } catch (RuntimeException ignored) {
                // the sweeper fails it when the lease lapses
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(idle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
