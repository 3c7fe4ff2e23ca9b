package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The canonical session: the union of what the four dialects show, with the tenant, team, agent and owner it
 * hangs off already resolved, so that one query yields everything any dialect renders.
 *
 * @param id canonical UUIDv7 (Everruns {@code session_<hex>})
 * @param publicId TrueFoundry and Recoup id, {@code session_<hex>} unless the creating client chose it
 * @param objectId Agentcloud {@code _id}
 */
public record Session(
        UUID id,
        String publicId,
        String objectId,
        Scope scope,
        AgentRef agent,
        SubjectRef owner,
        UUID accountId,
        UUID artistId,
        UUID modelId,
        String title,
        SessionStatus status,
        boolean warning,
        Lifecycle lifecycle,
        Timestamps times,
        String preview,
        String outputPreview,
        Usage usage,
        Sharing sharing,
        List<String> tags,
        JsonNode capabilities,
        Repository repository,
        JsonNode globalSkillRefs,
        Sandbox sandbox,
        DiffStats diff,
        JsonNode extra) {

    /** Where the session lives: tenant (org) and team. */
    public record Scope(UUID tenantId, String tenantName, String tenantObjectId, UUID teamId, String teamObjectId) {
    }

    /** The session's agent (Agentcloud app) and who manages it. */
    public record AgentRef(UUID id, String name, String objectId, List<String> managers) {
        public AgentRef {
            managers = List.copyOf(managers);
        }
    }

    /** Recoup's sandbox lifecycle orchestration. */
    public record Lifecycle(String state, long version, String runId, String error) {
        public static final Lifecycle INITIAL = new Lifecycle(null, 0, null, null);
    }

    public record Timestamps(Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt,
            Instant lastActivityAt) {
    }

    /** Agentcloud sharing: a mode and a map of user, team or org ids to permissions. */
    public record Sharing(SharingMode mode, Map<String, String> permissions) {
        public Sharing {
            permissions = permissions == null ? Map.of() : Map.copyOf(permissions);
        }

        public static final Sharing TEAM = new Sharing(SharingMode.TEAM, Map.of());
    }

    /** Recoup's repository binding. */
    public record Repository(String owner, String name, String branch, String cloneUrl, boolean newBranch) {
        public static final Repository NONE = new Repository(null, null, null, null, false);
    }

    /** Recoup's sandbox and snapshot fields. */
    public record Sandbox(JsonNode state, Instant expiresAt, Instant hibernateAfter, String snapshotUrl,
            Instant snapshotCreatedAt, Long snapshotSizeBytes) {
        public static final Sandbox NONE = new Sandbox(null, null, null, null, null, null);
    }

    /** Recoup's diff statistics. */
    public record DiffStats(Integer linesAdded, Integer linesRemoved, JsonNode cachedDiff, Instant cachedDiffUpdatedAt) {
        public static final DiffStats NONE = new DiffStats(null, null, null, null);
    }
}
