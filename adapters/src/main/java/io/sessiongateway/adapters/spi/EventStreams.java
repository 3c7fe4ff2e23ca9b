package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventBus;
import io.sessiongateway.core.conversation.Subscription;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events streams of a session's log, for every dialect: an adapter returns the {@link Response} of
 * {@link #open} from its generated interface's method, and the stream is written as events arrive, holding no thread
 * while it waits (docs/architecture.md, "Live delivery").
 *
 * <p>How it works: {@link #open} subscribes to the {@link EventBus} with a listener; the bus's dispatcher puts events
 * in the subscription's bounded buffer and calls the listener, which schedules the stream on a small shared pool of
 * writer threads; a writer drains the buffer, maps each event to frames ({@link FrameMapper}), writes them as one
 * chunk (Jersey's {@code ChunkedOutput}, which the HTTP server writes without blocking) and returns. A ticker writes
 * heartbeat comments to idle streams and ends streams at their max duration. Writers never wait on a client:
 *
 * <ul>
 *   <li>a client whose socket does not drain (more than the backlog bound written and not taken) is cut, and so is
 *       one whose subscription's buffer overflowed ({@link StreamEnd#FELL_BEHIND}); it reconnects and resumes after the
 *       last id it received, with no loss and no repeat (delivery is by seq);
 *   <li>a client that goes away ends its stream and closes its subscription at once (the server's close listener) or
 *       at the latest at the next heartbeat's write;
 *   <li>{@link #close()} (the gateway stopping) writes each stream's closing frames ({@link StreamEnd#SHUTDOWN}) and
 *       ends it, before the HTTP server stops.
 * </ul>
 *
 * <p>Usage, in an adapter (Everruns' {@code GET /v1/sessions/{id}/sse}, say; resume parsing is the dialect's own):
 *
 * <pre>{@code
 * long afterSeq = sinceId == null ? 0 : conversations.seqOfEvent(session, sinceId); // the dialect's cursor -> seq
 * return streams.open(session.id(), afterSeq,
 *         FrameMapper.each(e -> SseFrame.of(eventId(e), e.type().wire(), json(render(e)))), // null: not shown
 *         StreamOptions.defaults()
 *                 .opening(SseFrame.of(null, "connected", "{}"))
 *                 .closing(end -> List.of(SseFrame.of(null, "disconnecting", "{\"reason\":\"" + end + "\"}")))
 *                 .retry(Duration.ofSeconds(3)));
 * }</pre>
 *
 * One turn's stream (TrueFoundry's {@code POST .../turns}, after the turn was created at {@code seqBefore}):
 *
 * <pre>{@code
 * return streams.open(session.id(), seqBefore, mapper,
 *         StreamOptions.defaults()
 *                 .filter(e -> turnId.equals(e.turnId()))
 *                 .endAfter(e -> e.type().isTerminalTurnEvent()));
 * }</pre>
 *
 * The response is 200 with {@code Content-Type: text/event-stream}, {@code Cache-Control: no-cache} and {@code
 * X-Accel-Buffering: no}; {@code Response.fromResponse(r).status(201)...} changes what the dialect's document says
 * differently.
 */
public final class EventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    public static final String TEXT_EVENT_STREAM = "text/event-stream";
    /** Bytes written to a client and not yet taken by its socket beyond which it is cut. */
    public static final long DEFAULT_MAX_BACKLOG_BYTES = 256 * 1024;
    /** Events one writer run takes from one stream before it lets the others have the thread. */
    private static final int BATCH = 256;

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);

    private final EventBus bus;
    private final Duration heartbeat;
    private final long maxBacklogBytes;
    private final ExecutorService writers;
    private final ScheduledExecutorService ticker;
    private final ScheduledFuture<?> ticking;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /**
     * @param heartbeat the default interval of heartbeat comments ({@code gateway.streams.heartbeat})
     */
    public EventStreams(EventBus bus, Duration heartbeat) {
        this(bus, heartbeat, DEFAULT_MAX_BACKLOG_BYTES, 2);
    }

    /**
     * @param maxBacklogBytes bytes written but not taken by a client's socket beyond which the client is cut
     * @param writerThreads the threads that write every stream's frames
     */
    public EventStreams(EventBus bus, Duration heartbeat, long maxBacklogBytes, int writerThreads) {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive");
        }
        this.bus = bus;
        this.heartbeat = heartbeat;
        this.maxBacklogBytes = maxBacklogBytes;
        AtomicInteger n = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(writerThreads, r -> daemon(r, "sse-writer-" + n.incrementAndGet()));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sse-ticker"));
        long tick = Math.max(50, Math.min(1000, heartbeat.toMillis() / 2));
        this.ticking = ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Opens a stream of the session's events after {@code afterSeq} (0: from the first): history first, then live,
     * each event once, in seq order. The caller has checked access to the session and resolved the client's resume
     * cursor to a seq.
     *
     * @return 200, {@code text/event-stream}, the stream as its entity
     */
    public Response open(UUID sessionId, long afterSeq, FrameMapper mapper, StreamOptions options) {
        Stream s = new Stream(mapper, options);
        open.add(s);
        s.subscription = bus.subscribe(sessionId, afterSeq, s::schedule);
        if (closing) {
            s.requestEnd(StreamEnd.SHUTDOWN);
        }
        s.schedule();
        return Response.ok(s.out, TEXT_EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    /** How many streams are open. */
    public int openStreams() {
        return open.size();
    }

    private void tick() {
        long now = System.nanoTime();
        for (Stream s : open) {
            try {
                s.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("stream tick failed: {}", e.toString());
            }
        }
    }

    /**
     * Ends every open stream with its closing frames ({@link StreamEnd#SHUTDOWN}), waiting up to two seconds for
     * their writes, then stops the writer threads. Streams opened meanwhile end at once.
     */
    @Override
    public void close() {
        closing = true;
        int count = open.size();
        for (Stream s : open) {
            s.requestEnd(StreamEnd.SHUTDOWN);
        }
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ticking.cancel(false);
        ticker.shutdownNow();
        writers.shutdown();
        for (Stream s : open) {
            s.finish(StreamEnd.SHUTDOWN); // a writer did not get to it in time
        }
        if (count > 0) {
            LOG.info("ended {} open event stream(s)", count);
        }
    }

    /** One open stream: its output, its subscription and what it has written. */
    private final class Stream {
        final SseOutput out;
        final FrameMapper mapper;
        final StreamOptions options;
        final long openedAt = System.nanoTime();
        final long heartbeatNanos;
        final AtomicBoolean scheduled = new AtomicBoolean();
        final AtomicReference<StreamEnd> requestedEnd = new AtomicReference<>();
        volatile Subscription subscription;
        volatile StreamTransport transport;
        volatile Runnable removeCloseListener;
        volatile long lastWrite = System.nanoTime();
        volatile boolean heartbeatDue;
        boolean started;
        boolean ended;

        Stream(FrameMapper mapper, StreamOptions options) {
            this.mapper = mapper;
            this.options = options;
            this.heartbeatNanos = (options.heartbeat() == null ? heartbeat : options.heartbeat()).toNanos();
            this.out = new SseOutput(this::attach, () -> requestEnd(StreamEnd.DISCONNECTED));
        }

        synchronized void attach(StreamTransport t) {
            Runnable release = t.onClose(() -> requestEnd(StreamEnd.DISCONNECTED));
            if (ended) {
                release.run(); // ended before the server handed it over (a stop meanwhile)
                return;
            }
            transport = t;
            removeCloseListener = release;
        }

        void requestEnd(StreamEnd end) {
            requestedEnd.compareAndSet(null, end);
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    writers.execute(this::run);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false); // stopping: close() finishes it
                }
            }
        }

        void tick(long now) {
            if (options.maxDuration() != null
                    && now - openedAt >= options.maxDuration().toNanos()) {
                requestEnd(StreamEnd.MAX_DURATION);
            } else if (now - lastWrite >= heartbeatNanos) {
                heartbeatDue = true;
                schedule();
            } else if (backlogged()) {
                schedule();
            }
        }

        boolean backlogged() {
            StreamTransport t = transport;
            return t != null && t.pendingBytes() > maxBacklogBytes;
        }

        void run() {
            scheduled.set(false);
            boolean again;
            synchronized (this) {
                again = drain();
            }
            if (again) {
                schedule();
            }
        }

        /** Writes what there is; true when more is buffered than one run takes. */
        private boolean drain() {
            if (ended) {
                return false;
            }
            StreamEnd end = requestedEnd.get();
            if (end == StreamEnd.DISCONNECTED) {
                finish(end);
                return false;
            }
            if (backlogged()) {
                finish(StreamEnd.FELL_BEHIND); // its socket is not draining: writing more only grows the queue
                return false;
            }
            StringBuilder chunk = new StringBuilder();
            if (!started) {
                started = true;
                if (options.retry() != null) {
                    new SseFrame(null, null, null, options.retry()).appendTo(chunk);
                }
                options.opening().forEach(f -> f.appendTo(chunk));
            }
            boolean more = false;
            Subscription sub = subscription;
            if (sub != null) {
                try {
                    Event e;
                    int n = 0;
                    while (n < BATCH && (e = sub.poll()) != null) {
                        n++;
                        if (!options.filter().test(e)) {
                            continue;
                        }
                        mapper.frames(e).forEach(f -> f.appendTo(chunk));
                        if (options.endAfter().test(e)) {
                            end = StreamEnd.END;
                            break;
                        }
                    }
                } catch (RuntimeException ex) {
                    LOG.error("an event stream's frames could not be made; ending it", ex);
                    write(chunk);
                    finish(StreamEnd.DISCONNECTED);
                    return false;
                }
                if (end == null) {
                    more = sub.hasBuffered();
                    if (!more && sub.isCut()) {
                        end = StreamEnd.FELL_BEHIND;
                    }
                }
            }
            if (end == null && heartbeatDue && chunk.length() == 0) {
                chunk.append(SseFrame.comment("heartbeat"));
            }
            heartbeatDue = false;
            if (end != null) {
                options.closing().apply(end).forEach(f -> f.appendTo(chunk));
            }
            if (!write(chunk)) {
                end = StreamEnd.DISCONNECTED;
            }
            if (end != null) {
                finish(end);
                return false;
            }
            return more;
        }

        private boolean write(StringBuilder chunk) {
            if (chunk.length() == 0) {
                return true;
            }
            try {
                out.write(chunk.toString());
                lastWrite = System.nanoTime();
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.debug("event stream write failed: {}", e.toString());
                return false;
            }
        }

        synchronized void finish(StreamEnd end) {
            if (ended) {
                return;
            }
            ended = true;
            open.remove(this);
            Subscription sub = subscription;
            if (sub != null) {
                sub.close();
            }
            try {
                out.close(); // before the transport is released: the last chunk must not wait on a full socket
            } catch (IOException | RuntimeException e) {
                // the client is gone already
            }
            Runnable release = removeCloseListener;
            if (release != null) {
                release.run();
            }
            LOG.debug("event stream ended: {}", end);
        }
    }

    /** The frames a list of events becomes: what a stream writes for them (unit tests of mappers use it). */
    public static String render(FrameMapper mapper, List<Event> events) {
        StringBuilder b = new StringBuilder();
        for (Event e : events) {
            mapper.frames(e).forEach(f -> f.appendTo(b));
        }
        return b.toString();
    }
}
