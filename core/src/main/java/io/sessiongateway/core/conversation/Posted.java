package io.sessiongateway.core.conversation;

/** A posted message and the turn it queued (null for a system message). */
public record Posted(Message message, Turn turn) {}
