package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What it takes to create an API key: its form, a name, who it acts as, and an optional expiry. */
public record NewApiKey(
        String dialect, String name, SubjectRef subject, UUID accountId, List<String> teams, Instant expiresAt) {
    public NewApiKey {
        teams = teams == null ? List.of() : List.copyOf(teams);
    }
}
