package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.conversation.Event;
import java.util.List;
import java.util.function.Function;

/**
 * A dialect's view of the log: the frames one event becomes on its stream (none for an event the dialect does not
 * show, several where the vendor splits one change into several parts). Called on a stream writer thread: pure, fast,
 * no store reads (an event's payload embeds what it announces).
 */
@FunctionalInterface
public interface FrameMapper {
    List<SseFrame> frames(Event event);

    /** One frame per event, or none where {@code mapper} answers null. */
    static FrameMapper each(Function<Event, SseFrame> mapper) {
        return e -> {
            SseFrame f = mapper.apply(e);
            return f == null ? List.of() : List.of(f);
        };
    }
}
