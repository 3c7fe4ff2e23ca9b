package io.sessiongateway.core.model;

/**
 * The outcome of a cancel: the session after it, and whether the cancel changed anything (a dialect may answer
 * {@code cancelled} or {@code no_op} from this).
 */
public record CancelResult(Session session, boolean changed) {}
