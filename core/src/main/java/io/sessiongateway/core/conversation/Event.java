package io.sessiongateway.core.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a session's log.
 *
 * @param seq the per-session sequence number: dense, from 1
 * @param id the event's own id (Everruns {@code event_<hex>})
 * @param turnId the turn it belongs to; null for session events
 * @param step the worker's step number for output; null otherwise
 */
public record Event(
        UUID sessionId,
        long seq,
        UUID id,
        EventType type,
        UUID turnId,
        Integer step,
        JsonNode payload,
        Instant createdAt) {}
