package io.sessiongateway.core.model;

import java.util.EnumMap;
import java.util.Map;

/** How many live (not deleted) sessions a scope holds in each canonical status; absent statuses count 0. */
public record StatusCounts(Map<SessionStatus, Long> byStatus) {
    public StatusCounts {
        EnumMap<SessionStatus, Long> all = new EnumMap<>(SessionStatus.class);
        for (SessionStatus s : SessionStatus.values()) {
            all.put(s, 0L);
        }
        byStatus.forEach((k, v) -> all.put(k, v == null ? 0L : v));
        byStatus = Map.copyOf(all);
    }

    public long of(SessionStatus status) {
        return byStatus.get(status);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }
}
