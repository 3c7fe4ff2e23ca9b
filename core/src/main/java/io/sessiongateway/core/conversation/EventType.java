package io.sessiongateway.core.conversation;

import java.util.Arrays;
import java.util.Optional;

/** The event types of the session log (docs/architecture.md, "Conversations"), with their stored names. */
public enum EventType {
    MESSAGE_CREATED("message.created"),
    OUTPUT_TEXT_DELTA("output.text.delta"),
    TOOL_CALL("tool.call"),
    TOOL_RESULT("tool.result"),
    TURN_QUEUED("turn.queued"),
    TURN_STARTED("turn.started"),
    TURN_DONE("turn.done"),
    TURN_CANCELLED("turn.cancelled"),
    TURN_FAILED("turn.failed"),
    SESSION_STATUS_CHANGED("session.status.changed"),
    SESSION_UPDATED("session.updated"),
    SESSION_DELETED("session.deleted");

    private final String value;

    EventType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<EventType> fromValue(String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst();
    }
}
