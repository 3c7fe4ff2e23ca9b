package io.sessiongateway.core.conversation;

import io.sessiongateway.core.model.SubjectRef;
import java.util.List;
import java.util.UUID;

/**
 * A message posted by a client: a {@code user} message starts a turn; a {@code system} message is stored alone.
 *
 * @param chatId the Recoup chat; null for the session's default chat
 * @param postedBy the caller, recorded on the turn; null for none
 */
public record NewMessage(Role role, List<Part> content, UUID chatId, SubjectRef postedBy) {
    public NewMessage {
        content = List.copyOf(content);
        if (role != Role.USER && role != Role.SYSTEM) {
            throw new IllegalArgumentException("clients post user or system messages");
        }
    }

    public static NewMessage userText(String text) {
        return new NewMessage(Role.USER, List.of(new Part.Text(text)), null, null);
    }
}
