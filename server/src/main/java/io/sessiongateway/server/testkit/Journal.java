package io.sessiongateway.server.testkit;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** The last requests this instance answered, newest first, at most {@code size} of them (the oldest dropped). */
public final class Journal {
    private final int size;
    private final ArrayDeque<Entry> entries;

    /**
     * One request.
     *
     * @param operation the operationId, or null when the request matched none
     * @param status the status answered; 0 when a fault rule closed the connection
     * @param sessions the session ids the request named (path) or created (response), as the client saw them
     * @param fault the id of the fault rule that applied, or null
     */
    public record Entry(
            Instant time,
            String requestId,
            String dialect,
            String operation,
            String method,
            String path,
            int status,
            List<String> sessions,
            String fault,
            double durationMs) {
        public Entry {
            sessions = List.copyOf(sessions);
        }

        boolean namesAny(Set<String> ids) {
            return sessions.stream().anyMatch(ids::contains);
        }
    }

    public Journal(int size) {
        this.size = size;
        this.entries = new ArrayDeque<>(Math.min(size, 1024));
    }

    public synchronized void add(Entry entry) {
        if (entries.size() == size) {
            entries.removeLast();
        }
        entries.addFirst(entry);
    }

    /** At most {@code limit} entries that pass the filter, newest first. */
    public synchronized List<Entry> find(Predicate<Entry> filter, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.iterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized void clear() {
        entries.clear();
    }
}
