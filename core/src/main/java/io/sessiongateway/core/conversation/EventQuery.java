package io.sessiongateway.core.conversation;

import java.util.Set;
import java.util.UUID;

/**
 * A page of a session's log by keyset: events with {@code afterSeq < seq < beforeSeq}, of the given types (all when
 * empty) and turn (all when null), ascending unless {@code descending}, at most {@code limit}.
 */
public record EventQuery(
        long afterSeq, Long beforeSeq, Set<EventType> types, UUID turnId, int limit, boolean descending) {
    public EventQuery {
        types = types == null ? Set.of() : Set.copyOf(types);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }

    /** Everything after {@code seq}, ascending, at most {@code limit}. */
    public static EventQuery after(long seq, int limit) {
        return new EventQuery(seq, null, Set.of(), null, limit, false);
    }
}
