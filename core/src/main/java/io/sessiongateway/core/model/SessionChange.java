package io.sessiongateway.core.model;

/**
 * A change to a session's state. A null component leaves that field as it is; a {@link Set} with a null value
 * clears a nullable field.
 */
public record SessionChange(Set<String> title, SessionStatus status, Boolean warning, Set<String> preview,
        Set<String> outputPreview, Set<Usage> usage, Session.Sharing sharing) {

    /** A value to store, possibly null. */
    public record Set<T>(T value) {
    }

    public boolean isEmpty() {
        return title == null && status == null && warning == null && preview == null && outputPreview == null
                && usage == null && sharing == null;
    }
}
