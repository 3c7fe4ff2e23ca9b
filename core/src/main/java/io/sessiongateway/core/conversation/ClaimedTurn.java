package io.sessiongateway.core.conversation;

/** A turn a worker claimed, with the user message that started it. */
public record ClaimedTurn(Turn turn, Message input) {}
