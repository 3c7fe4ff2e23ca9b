package io.sessiongateway.core.model;

/**
 * A change to a session's state. A null component leaves that field as it is; a {@link Value} holding null clears
 * a nullable field.
 */
public record SessionChange(
        Value<String> title,
        SessionStatus status,
        Boolean warning,
        Value<String> preview,
        Value<String> outputPreview,
        Value<Usage> usage,
        Session.Sharing sharing) {

    /** A value to store, possibly null (which clears the field). */
    public record Value<T>(T value) {}

    public boolean isEmpty() {
        return title == null
                && status == null
                && warning == null
                && preview == null
                && outputPreview == null
                && usage == null
                && sharing == null;
    }
}
