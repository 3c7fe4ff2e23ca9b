package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The canonical session: the union of what the four dialects show, with the tenant, team, agent and owner it
 * hangs off already resolved, so that one query yields everything any dialect renders. Built by name through
 * {@link #builder()}.
 *
 * @param id canonical UUIDv7 (Everruns {@code session_<hex>})
 * @param publicId TrueFoundry and Recoup id, {@code session_<hex>} unless the creating client chose it
 * @param objectId Agentcloud {@code _id}
 * @param locale BCP 47 tag, or null
 * @param variables free-form variables (JSON), or null
 * @param forkedFromId the parent of a fork, or null
 * @param deletedAt null unless the session is a tombstone (only operator reads ever return one)
 * @param pinned whether the subject the session was read for pinned it; false when read for no subject
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
        JsonNode extra,
        String locale,
        JsonNode variables,
        UUID forkedFromId,
        Instant deletedAt,
        boolean pinned) {

    /**
     * The session as it was before the lifecycle columns (issue #12): no locale, variables or fork parent, not
     * deleted, not pinned.
     */
    public Session(
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
        this(
                id,
                publicId,
                objectId,
                scope,
                agent,
                owner,
                accountId,
                artistId,
                modelId,
                title,
                status,
                warning,
                lifecycle,
                times,
                preview,
                outputPreview,
                usage,
                sharing,
                tags,
                capabilities,
                repository,
                globalSkillRefs,
                sandbox,
                diff,
                extra,
                null,
                null,
                null,
                null,
                false);
    }

    /** A builder: every component by name; the nested groups start as their empty constants. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this session's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.publicId = publicId;
        b.objectId = objectId;
        b.scope = scope;
        b.agent = agent;
        b.owner = owner;
        b.accountId = accountId;
        b.artistId = artistId;
        b.modelId = modelId;
        b.title = title;
        b.status = status;
        b.warning = warning;
        b.lifecycle = lifecycle;
        b.times = times;
        b.preview = preview;
        b.outputPreview = outputPreview;
        b.usage = usage;
        b.sharing = sharing;
        b.tags = tags;
        b.capabilities = capabilities;
        b.repository = repository;
        b.globalSkillRefs = globalSkillRefs;
        b.sandbox = sandbox;
        b.diff = diff;
        b.extra = extra;
        b.locale = locale;
        b.variables = variables;
        b.forkedFromId = forkedFromId;
        b.deletedAt = deletedAt;
        b.pinned = pinned;
        return b;
    }

    /** Builds a {@link Session} by naming its components; unnamed ones are null (or their group's NONE). */
    public static final class Builder {
        private UUID id;
        private String publicId;
        private String objectId;
        private Scope scope;
        private AgentRef agent;
        private SubjectRef owner;
        private UUID accountId;
        private UUID artistId;
        private UUID modelId;
        private String title;
        private SessionStatus status;
        private boolean warning;
        private Lifecycle lifecycle = Lifecycle.INITIAL;
        private Timestamps times;
        private String preview;
        private String outputPreview;
        private Usage usage;
        private Sharing sharing = Sharing.TEAM;
        private List<String> tags;
        private JsonNode capabilities;
        private Repository repository = Repository.NONE;
        private JsonNode globalSkillRefs;
        private Sandbox sandbox = Sandbox.NONE;
        private DiffStats diff = DiffStats.NONE;
        private JsonNode extra;
        private String locale;
        private JsonNode variables;
        private UUID forkedFromId;
        private Instant deletedAt;
        private boolean pinned;

        private Builder() {}

        public Builder id(UUID value) {
            this.id = value;
            return this;
        }

        public Builder publicId(String value) {
            this.publicId = value;
            return this;
        }

        public Builder objectId(String value) {
            this.objectId = value;
            return this;
        }

        public Builder scope(Scope value) {
            this.scope = value;
            return this;
        }

        public Builder agent(AgentRef value) {
            this.agent = value;
            return this;
        }

        public Builder owner(SubjectRef value) {
            this.owner = value;
            return this;
        }

        public Builder accountId(UUID value) {
            this.accountId = value;
            return this;
        }

        public Builder artistId(UUID value) {
            this.artistId = value;
            return this;
        }

        public Builder modelId(UUID value) {
            this.modelId = value;
            return this;
        }

        public Builder title(String value) {
            this.title = value;
            return this;
        }

        public Builder status(SessionStatus value) {
            this.status = value;
            return this;
        }

        public Builder warning(boolean value) {
            this.warning = value;
            return this;
        }

        public Builder lifecycle(Lifecycle value) {
            this.lifecycle = value;
            return this;
        }

        public Builder times(Timestamps value) {
            this.times = value;
            return this;
        }

        public Builder preview(String value) {
            this.preview = value;
            return this;
        }

        public Builder outputPreview(String value) {
            this.outputPreview = value;
            return this;
        }

        public Builder usage(Usage value) {
            this.usage = value;
            return this;
        }

        public Builder sharing(Sharing value) {
            this.sharing = value;
            return this;
        }

        public Builder tags(List<String> value) {
            this.tags = value;
            return this;
        }

        public Builder capabilities(JsonNode value) {
            this.capabilities = value;
            return this;
        }

        public Builder repository(Repository value) {
            this.repository = value;
            return this;
        }

        public Builder globalSkillRefs(JsonNode value) {
            this.globalSkillRefs = value;
            return this;
        }

        public Builder sandbox(Sandbox value) {
            this.sandbox = value;
            return this;
        }

        public Builder diff(DiffStats value) {
            this.diff = value;
            return this;
        }

        public Builder extra(JsonNode value) {
            this.extra = value;
            return this;
        }

        /** BCP 47 language tag the session's agent answers in (a dialect's {@code locale}), or null. */
        public Builder locale(String value) {
            this.locale = value;
            return this;
        }

        /** Free-form variables of the session (a dialect's {@code variables}), or null. */
        public Builder variables(JsonNode value) {
            this.variables = value;
            return this;
        }

        /** The session this one was forked from, or null. */
        public Builder forkedFromId(UUID value) {
            this.forkedFromId = value;
            return this;
        }

        /** When the session was deleted (a tombstone); null while it exists. */
        public Builder deletedAt(Instant value) {
            this.deletedAt = value;
            return this;
        }

        /** Whether the subject the session was read for has pinned it. */
        public Builder pinned(boolean value) {
            this.pinned = value;
            return this;
        }

        public Session build() {
            return new Session(
                    id,
                    publicId,
                    objectId,
                    scope,
                    agent,
                    owner,
                    accountId,
                    artistId,
                    modelId,
                    title,
                    status,
                    warning,
                    lifecycle,
                    times,
                    preview,
                    outputPreview,
                    usage,
                    sharing,
                    tags,
                    capabilities,
                    repository,
                    globalSkillRefs,
                    sandbox,
                    diff,
                    extra,
                    locale,
                    variables,
                    forkedFromId,
                    deletedAt,
                    pinned);
        }
    }

    /** Where the session lives: tenant (org) and team. */
    public record Scope(UUID tenantId, String tenantName, String tenantObjectId, UUID teamId, String teamObjectId) {}

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

    public record Timestamps(
            Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt, Instant lastActivityAt) {}

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
    public record Sandbox(
            JsonNode state,
            Instant expiresAt,
            Instant hibernateAfter,
            String snapshotUrl,
            Instant snapshotCreatedAt,
            Long snapshotSizeBytes) {
        public static final Sandbox NONE = new Sandbox(null, null, null, null, null, null);
    }

    /** Recoup's diff statistics. */
    public record DiffStats(
            Integer linesAdded, Integer linesRemoved, JsonNode cachedDiff, Instant cachedDiffUpdatedAt) {
        public static final DiffStats NONE = new DiffStats(null, null, null, null);
    }
}
