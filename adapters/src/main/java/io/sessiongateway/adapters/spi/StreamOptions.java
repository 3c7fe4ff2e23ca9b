package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.conversation.Event;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How one stream looks beyond its frames: what it shows, when it ends, what it writes first and last. Start from
 * {@link #defaults()} and change what the dialect needs; every option is immutable.
 *
 * @param filter the events the stream shows (e.g. one turn's); others are skipped, never written
 * @param endAfter the stream ends after the frames of the first shown event this holds for (e.g. the turn's
 *     terminal event); never: a stream of the whole log, ended by the client, a cut, the max duration or shutdown
 * @param opening frames written first, before any event (Everruns' {@code connected})
 * @param closing the frames written last, by why the stream ends (Everruns' {@code disconnecting}); not written when
 *     the client is gone or its socket is backed up
 * @param retry the {@code retry:} (milliseconds) sent at the start; null: none
 * @param maxDuration the stream ends ({@link StreamEnd#MAX_DURATION}) after this long; null: no limit
 * @param heartbeat a comment line this long after the last write, to keep proxies and clients from timing the stream
 *     out; null: {@link EventStreams}' configured interval ({@code gateway.streams.heartbeat})
 */
public record StreamOptions(
        Predicate<Event> filter,
        Predicate<Event> endAfter,
        List<SseFrame> opening,
        Function<StreamEnd, List<SseFrame>> closing,
        Long retry,
        Duration maxDuration,
        Duration heartbeat) {

    public StreamOptions {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(endAfter, "endAfter");
        opening = List.copyOf(opening);
        Objects.requireNonNull(closing, "closing");
    }

    /** Every event, no end, no opening or closing frames, no retry, no max duration, the configured heartbeat. */
    public static StreamOptions defaults() {
        return new StreamOptions(e -> true, e -> false, List.of(), end -> List.of(), null, null, null);
    }

    public StreamOptions filter(Predicate<Event> f) {
        return new StreamOptions(f, endAfter, opening, closing, retry, maxDuration, heartbeat);
    }

    public StreamOptions endAfter(Predicate<Event> end) {
        return new StreamOptions(filter, end, opening, closing, retry, maxDuration, heartbeat);
    }

    public StreamOptions opening(SseFrame... frames) {
        return new StreamOptions(filter, endAfter, List.of(frames), closing, retry, maxDuration, heartbeat);
    }

    public StreamOptions closing(Function<StreamEnd, List<SseFrame>> frames) {
        return new StreamOptions(filter, endAfter, opening, frames, retry, maxDuration, heartbeat);
    }

    public StreamOptions retry(Duration r) {
        return new StreamOptions(
                filter, endAfter, opening, closing, r == null ? null : r.toMillis(), maxDuration, heartbeat);
    }

    public StreamOptions maxDuration(Duration d) {
        return new StreamOptions(filter, endAfter, opening, closing, retry, d, heartbeat);
    }

    public StreamOptions heartbeat(Duration h) {
        return new StreamOptions(filter, endAfter, opening, closing, retry, maxDuration, h);
    }
}
