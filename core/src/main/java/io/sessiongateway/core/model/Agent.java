package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A named agent of a tenant. Managers may read every session of the agent; a restricted agent can be used to
 * create sessions by its managers only.
 */
public record Agent(
        UUID id,
        UUID tenantId,
        String tenantName,
        UUID teamId,
        String teamObjectId,
        String name,
        String objectId,
        List<String> managers,
        boolean restricted,
        Instant createdAt,
        Instant updatedAt) {
    public Agent {
        managers = List.copyOf(managers);
    }

    public boolean isManagedBy(String subjectId) {
        return managers.contains(subjectId);
    }
}
