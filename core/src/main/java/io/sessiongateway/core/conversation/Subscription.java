package io.sessiongateway.core.conversation;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live view of one session's log from a sequence number on, fed by {@link EventBus}. Events arrive in seq order,
 * each once. The buffer is bounded: a subscriber that does not keep up is cut ({@link #isCut()}) and resumes with a
 * new subscription after {@link #lastSeq()}.
 */
public final class Subscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    private final EventBus bus;
    private final UUID sessionId;
    private final BlockingQueue<Event> buffer;
    private final int capacity;
    /** The seq of the last event put in the buffer (the dispatcher's cursor). */
    volatile long cursor;
    /** Reading history: the dispatcher fills only the room there is, and polls ask for more. */
    volatile boolean catchingUp = true;

    private volatile long lastSeq;
    private volatile boolean cut;
    private volatile boolean closed;
    private final Runnable listener;

    Subscription(EventBus bus, UUID sessionId, long afterSeq, int capacity, Runnable listener) {
        this.listener = listener;
        this.bus = bus;
        this.sessionId = sessionId;
        this.cursor = afterSeq;
        this.lastSeq = afterSeq;
        this.capacity = capacity;
        this.buffer = new ArrayBlockingQueue<>(capacity);
    }

    public UUID sessionId() {
        return sessionId;
    }

    /**
     * The next event, waiting up to {@code timeout}; null when none came in time, or the subscription is over
     * ({@link #isOpen()} false) and its buffer is drained.
     */
    public Event poll(Duration timeout) throws InterruptedException {
        Event e = buffer.poll();
        if (e == null) {
            if (!isOpen()) {
                return null;
            }
            e = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (e != null) {
            lastSeq = e.seq();
            if (catchingUp && buffer.size() <= capacity / 2) {
                bus.wake(sessionId);
            }
        }
        return e;
    }

    /**
     * The next buffered event without waiting; null when the buffer is empty (for a pushed subscription: wait for the
     * listener's next call). Asks the bus for more history as the buffer drains, as {@link #poll(Duration)} does.
     */
    public Event poll() {
        Event e = buffer.poll();
        if (e != null) {
            lastSeq = e.seq();
            if (catchingUp && buffer.size() <= capacity / 2) {
                bus.wake(sessionId);
            }
        }
        return e;
    }

    /** Whether events are buffered, waiting for {@link #poll()}. */
    public boolean hasBuffered() {
        return !buffer.isEmpty();
    }

    /** The seq of the last event {@link #poll} returned: where a resumed subscription starts after. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Cut for falling behind: what is buffered can still be polled, then resume after {@link #lastSeq()}. */
    public boolean isCut() {
        return cut;
    }

    /** False once cut or closed. */
    public boolean isOpen() {
        return !cut && !closed;
    }

    int room() {
        return buffer.remainingCapacity();
    }

    boolean offer(Event e) {
        if (!buffer.offer(e)) {
            return false;
        }
        cursor = e.seq();
        return true;
    }

    void ready() {
        if (listener != null) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a subscription's listener failed: {}", e.toString());
            }
        }
    }

    void cut() {
        cut = true;
        bus.remove(this);
    }

    @Override
    public void close() {
        closed = true;
        bus.remove(this);
    }
}
