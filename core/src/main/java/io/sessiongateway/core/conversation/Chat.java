package io.sessiongateway.core.conversation;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored chat of a session (Recoup's chats). The session's default chat has the session's canonical id and a row
 * only once it was changed or deleted; its turns and messages carry {@code chat_id} null.
 *
 * @param deletedAt set when the chat was deleted (a tombstone: the id stays taken)
 */
public record Chat(
        UUID id,
        UUID sessionId,
        String title,
        String modelId,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt) {

    public boolean isDeleted() {
        return deletedAt != null;
    }

    /** The default chat of the session: its turns and messages carry {@code chat_id} null. */
    public boolean isDefault() {
        return id.equals(sessionId);
    }
}
