package io.sessiongateway.core.conversation;

import io.sessiongateway.core.store.ConversationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back or fails the turns whose worker's lease lapsed (docs/architecture.md, "Work by lease"), every
 * {@code interval}, on every instance: the store's sweep is one transaction per turn under the session's lock, so
 * instances sweeping at once handle each turn once. It runs whether or not the instance runs responders, since
 * external workers' leases lapse too.
 */
public final class LeaseSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSweeper.class);
    /** Claims of a turn whose leases lapsed before output, after which it fails. */
    public static final int MAX_CLAIMS = 3;

    private final ScheduledExecutorService timer;
    /** The periodic sweep; its task catches every failure, so the future never completes exceptionally. */
    private final ScheduledFuture<?> sweeps;

    public LeaseSweeper(ConversationStore store, Duration interval, Clock clock) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-sweeper");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        this.sweeps = timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        int n = store.sweepLapsedLeases(MAX_CLAIMS, clock.instant());
                        if (n > 0) {
                            LOG.info("{} turn(s) with a lapsed lease requeued or failed", n);
                        }
                    } catch (RuntimeException e) {
                        // the store is unavailable, say: the next run retries
                        LOG.warn("lease sweep failed: {}", e.toString());
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        sweeps.cancel(true);
        timer.shutdownNow();
    }
}
