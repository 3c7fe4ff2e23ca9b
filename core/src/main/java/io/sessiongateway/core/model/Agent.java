package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A named agent of a tenant. Managers may read every session of the agent; a restricted agent can be used to
 * create sessions by its managers only. Its {@code responder} answers its turns: {@code echo}, {@code script},
 * {@code none} (an external runtime), or the name an external worker claims by.
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
        Instant updatedAt,
        String responder) {
    /** The responder of agents created before there were responders, and the embedded default. */
    public static final String DEFAULT_RESPONDER = "echo";

    public Agent {
        managers = List.copyOf(managers);
        responder = responder == null ? DEFAULT_RESPONDER : responder;
    }

    public Agent(
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
        this(
                id,
                tenantId,
                tenantName,
                teamId,
                teamObjectId,
                name,
                objectId,
                managers,
                restricted,
                createdAt,
                updatedAt,
                DEFAULT_RESPONDER);
    }

    public boolean isManagedBy(String subjectId) {
        return managers.contains(subjectId);
    }
}
