package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored API key: everything but the secret, which exists only as a hash.
 *
 * @param dialect the key's form: the name of the dialect that accepts it
 * @param display the first characters of the key, to recognise it in listings
 */
public record ApiKey(
        UUID id,
        String tenantName,
        String dialect,
        String name,
        String display,
        SubjectRef subject,
        UUID accountId,
        List<String> teams,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {
    public ApiKey {
        teams = teams == null ? List.of() : List.copyOf(teams);
    }
}
