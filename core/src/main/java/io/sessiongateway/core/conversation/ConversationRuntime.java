package io.sessiongateway.core.conversation;

import io.sessiongateway.core.conversation.responder.EchoResponder;
import io.sessiongateway.core.conversation.responder.Responder;
import io.sessiongateway.core.conversation.responder.ResponderWorkers;
import io.sessiongateway.core.conversation.responder.ScriptResponder;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.core.store.PgEventListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an instance runs for conversations beside its requests: the {@link EventBus} (with, on PostgreSQL, its one
 * listening connection), the in-process workers of the built-in responders, and the {@link LeaseSweeper}.
 */
public final class ConversationRuntime implements AutoCloseable {
    /** Events a live subscriber may hold unread before it is cut. */
    public static final int SUBSCRIBER_BUFFER = 1024;

    private static final int PAGE = 256;
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final EventBus bus;
    private final PgEventListener listener;
    private final ResponderWorkers workers;
    private final LeaseSweeper sweeper;

    /**
     * @param script the script responder's rules file; null: the {@code script} responder is not run here
     * @param workerThreads threads for the built-in responders; 0: none (turns wait for external workers)
     * @param sweepInterval how often lapsed leases are looked for ({@link LeaseSweeper})
     */
    public ConversationRuntime(
            Database database,
            JooqSessionStore store,
            Path script,
            int workerThreads,
            Duration sweepInterval,
            Clock clock) {
        this.bus = new EventBus(store, SUBSCRIBER_BUFFER, PAGE);
        this.listener = database.config().isPostgres()
                ? new PgEventListener(database.config(), store.notificationChannel(), bus)
                : null;
        List<Responder> responders = new ArrayList<>(List.of(new EchoResponder()));
        if (script != null) {
            responders.add(ScriptResponder.load(script));
        }
        this.workers =
                workerThreads > 0 ? new ResponderWorkers(store, responders, workerThreads, LEASE, IDLE, clock) : null;
        this.sweeper = new LeaseSweeper(store, sweepInterval, clock);
    }

    public EventBus bus() {
        return bus;
    }

    @Override
    public void close() {
        sweeper.close();
        if (workers != null) {
            workers.close();
        }
        if (listener != null) {
            listener.close();
        }
        bus.close();
    }
}
