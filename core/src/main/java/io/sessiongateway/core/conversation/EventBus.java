package io.sessiongateway.core.conversation;

import io.sessiongateway.core.store.ConversationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live delivery of session logs within one instance (docs/architecture.md, "Live delivery"). Signals say only
 * "session S has events up to seq N" (from this instance's commits, or PostgreSQL notifications of every instance's);
 * one dispatcher thread coalesces them per session and reads {@code seq > cursor} from the store for the session's
 * subscribers (one query per distinct cursor), so catch-up and live delivery are one path and a lost signal only
 * delays. {@link #signal} never blocks: writers never wait on subscribers. A subscriber whose buffer is full when
 * live events arrive is cut; one reading history gets what fits and asks for more as it drains.
 *
 * <p>A subscription is read by polling ({@link Subscription#poll}, a thread per reader) or pushed: with a listener
 * ({@link #subscribe(UUID, long, Runnable)}), the dispatcher calls it after it put events in the buffer or cut the
 * subscription, and the reader drains with {@link Subscription#poll()} on whatever thread it likes, holding none
 * while it waits (how SSE streams are served).
 */
public final class EventBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final ConversationStore store;
    private final int bufferSize;
    private final int pageSize;
    private final Map<UUID, List<Subscription>> subscribers = new ConcurrentHashMap<>();
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<UUID> wakeups = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean running = true;

    /**
     * @param bufferSize events a subscriber may hold unread before it is cut
     * @param pageSize events read per query
     */
    public EventBus(ConversationStore store, int bufferSize, int pageSize) {
        this.store = store;
        this.bufferSize = bufferSize;
        this.pageSize = pageSize;
        this.dispatcher = new Thread(this::run, "event-bus");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
        store.onAppended(this::signal);
    }

    /** Subscribes to the session's events after {@code afterSeq} (0: from the start): history first, then live. */
    public Subscription subscribe(UUID sessionId, long afterSeq) {
        return subscribe(sessionId, afterSeq, null);
    }

    /**
     * Subscribes with a listener that the dispatcher calls (on its own thread) whenever it has put events in the
     * subscription's buffer or cut it. The listener must return at once, never block or read the store: it schedules
     * the reader, which drains the buffer with {@link Subscription#poll()}. A listener's exception is logged and
     * otherwise ignored.
     *
     * @param listener null: a polled subscription, as {@link #subscribe(UUID, long)}
     */
    public Subscription subscribe(UUID sessionId, long afterSeq, Runnable listener) {
        Subscription s = new Subscription(this, sessionId, afterSeq, bufferSize, listener);
        subscribers
                .computeIfAbsent(sessionId, k -> new CopyOnWriteArrayList<>())
                .add(s);
        wake(sessionId);
        return s;
    }

    /** The session's log has events up to {@code seq}. Never blocks. */
    public void signal(UUID sessionId, long seq) {
        if (subscribers.containsKey(sessionId)) {
            wake(sessionId);
        }
    }

    /** Every subscribed session may have news (after a lost listening connection came back). */
    public void signalAll() {
        subscribers.keySet().forEach(this::wake);
    }

    /** How many subscriptions are open. */
    public int subscriptions() {
        return subscribers.values().stream().mapToInt(List::size).sum();
    }

    void wake(UUID sessionId) {
        if (dirty.add(sessionId)) {
            wakeups.offer(sessionId);
        }
    }

    void remove(Subscription s) {
        subscribers.computeIfPresent(s.sessionId(), (k, list) -> {
            list.remove(s);
            return list.isEmpty() ? null : list;
        });
    }

    private void run() {
        while (running) {
            UUID sessionId;
            try {
                sessionId = wakeups.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            dirty.remove(sessionId);
            try {
                deliver(sessionId);
            } catch (RuntimeException e) {
                // the store is unavailable, say: subscribers keep their cursors; the next signal retries
                LOG.warn("event delivery for a session failed: {}", e.toString());
            }
        }
    }

    private void deliver(UUID sessionId) {
        List<Subscription> subs = subscribers.get(sessionId);
        if (subs == null) {
            return;
        }
        Map<Long, List<Subscription>> byCursor = new TreeMap<>();
        for (Subscription s : subs) {
            byCursor.computeIfAbsent(s.cursor, k -> new ArrayList<>()).add(s);
        }
        boolean more = false;
        for (Map.Entry<Long, List<Subscription>> group : byCursor.entrySet()) {
            List<Event> events = store.listEvents(sessionId, EventQuery.after(group.getKey(), pageSize));
            boolean full = events.size() == pageSize;
            for (Subscription s : group.getValue()) {
                if (s.catchingUp) {
                    int n = Math.min(s.room(), events.size());
                    for (int i = 0; i < n; i++) {
                        s.offer(events.get(i));
                    }
                    if (n > 0) {
                        s.ready();
                    }
                    if (n == events.size() && !full) {
                        s.catchingUp = false; // reached the head: from now on it keeps up or is cut
                    } else if (n == events.size()) {
                        more = true;
                    }
                } else {
                    int offered = 0;
                    for (Event e : events) {
                        if (!s.offer(e)) {
                            s.cut();
                            break;
                        }
                        offered++;
                    }
                    if (offered > 0 || s.isCut()) {
                        s.ready();
                    }
                    more |= full;
                }
            }
        }
        if (more) {
            wake(sessionId);
        }
    }

    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
    }
}
