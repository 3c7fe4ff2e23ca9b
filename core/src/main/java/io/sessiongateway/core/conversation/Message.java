package io.sessiongateway.core.conversation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored message.
 *
 * @param seq the sequence number of the event that created it: messages sort by the log
 * @param objectId the 24-hex ObjectId Agentcloud shows as {@code _id}
 * @param turnId the turn it belongs to
 * @param chatId the Recoup chat; null for the session's default chat
 */
public record Message(
        UUID id,
        UUID sessionId,
        UUID turnId,
        UUID chatId,
        long seq,
        Role role,
        List<Part> content,
        String objectId,
        Instant createdAt) {
    public Message {
        content = List.copyOf(content);
    }

    /** The text parts, concatenated. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Part p : content) {
            if (p instanceof Part.Text t) {
                b.append(t.text());
            }
        }
        return b.toString();
    }
}
