package io.sessiongateway.core.model;

/** Token usage of a session. Absent (null) until a turn has reported usage. */
public record Usage(long inputTokens, long outputTokens, Long cacheReadTokens, Long cacheCreationTokens) {
    /** Agentcloud's single {@code tokensUsed} figure. */
    public long total() {
        return inputTokens + outputTokens;
    }
}
