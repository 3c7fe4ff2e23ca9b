package io.sessiongateway.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionPatch.StatusWrite;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.model.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * The {@link SessionStore} in memory, for tests of the services that run in milliseconds. It keeps the rules of
 * {@link JooqSessionStore} and its schema (uniqueness, the errors they raise, column lengths, list orders, what an
 * update stamps), and {@link InMemorySessionStoreTest} holds it to the same {@link SessionStoreContract} as H2 and
 * PostgreSQL.
 *
 * <p>Thread-safe: every operation holds the store's lock, so each is atomic as a transaction is. Where H2 and
 * PostgreSQL differ, it does as PostgreSQL does: text containing NUL cannot be stored. It is never unavailable.
 */
public final class InMemorySessionStore implements SessionStore {
    private static final String DEFAULT_TEAM = "default";
    /** How both databases order UUIDs: as 16 unsigned bytes. */
    private static final Comparator<UUID> UUID_ORDER = Comparator.comparing(
                    UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    /**
     * The text columns this store writes or looks up by, with their lengths in the migrations (JSON columns have
     * none). Constants rather than the generated jOOQ classes, whose loading alone costs the service tests about a
     * second; {@link InMemorySessionStoreTest} checks each against the generated schema.
     */
    enum Column {
        AGENT_NAME("agent", "name", 255),
        AGENT_OBJECT_ID("agent", "object_id", 24),
        API_KEY_DIALECT("api_key", "dialect", 16),
        API_KEY_DISPLAY("api_key", "display", 32),
        API_KEY_NAME("api_key", "name", 255),
        API_KEY_SECRET_HASH("api_key", "secret_hash", 64),
        API_KEY_SUBJECT_ID("api_key", "subject_id", 255),
        API_KEY_SUBJECT_TYPE("api_key", "subject_type", 64),
        SESSION_BRANCH("session", "branch", 255),
        SESSION_CLONE_URL("session", "clone_url", 2048),
        SESSION_LIFECYCLE_STATE("session", "lifecycle_state", 32),
        SESSION_OBJECT_ID("session", "object_id", 24),
        SESSION_OUTPUT_PREVIEW("session", "output_preview", 4096),
        SESSION_PREVIEW("session", "preview", 4096),
        SESSION_PUBLIC_ID("session", "public_id", 64),
        SESSION_REPO_NAME("session", "repo_name", 255),
        SESSION_REPO_OWNER("session", "repo_owner", 255),
        SESSION_TAGS("session", "tags", Integer.MAX_VALUE),
        SESSION_TITLE("session", "title", 1024),
        SESSION_LOCALE("session", "locale", 35),
        SUBJECT_SUBJECT_ID("subject", "subject_id", 255),
        SUBJECT_SUBJECT_SLUG("subject", "subject_slug", 255),
        SUBJECT_SUBJECT_TYPE("subject", "subject_type", 64),
        TEAM_NAME("team", "name", 255),
        TEAM_OBJECT_ID("team", "object_id", 24),
        TENANT_NAME("tenant", "name", 64);

        final String table;
        final String column;
        final int length;

        Column(String table, String column, int length) {
            this.table = table;
            this.column = column;
            this.length = length;
        }
    }

    private final Map<UUID, TenantRow> tenants = new HashMap<>();
    private final Map<UUID, Team> teams = new HashMap<>();
    private final Map<UUID, AgentRow> agents = new HashMap<>();
    private final Map<UUID, SubjectRow> subjects = new HashMap<>();
    private final Map<UUID, ApiKeyRow> apiKeys = new HashMap<>();
    private final Map<UUID, SessionRow> sessions = new HashMap<>();

    private record TenantRow(UUID id, String name, String objectId, Instant createdAt) {}

    private record AgentRow(
            UUID id,
            UUID tenantId,
            UUID teamId,
            String name,
            String objectId,
            List<String> managers,
            boolean restricted,
            Instant createdAt,
            String responder) {}

    private record SubjectRow(UUID id, UUID tenantId, String type, String subjectId, String slug) {}

    private record ApiKeyRow(
            UUID id,
            UUID tenantId,
            NewApiKey key,
            String display,
            String secretHash,
            Instant createdAt,
            Instant revokedAt,
            Instant lastUsedAt) {}

    /** A session row: what the session table holds, the joined names aside. */
    private static final class SessionRow {
        UUID id;
        String publicId;
        String objectId;
        UUID tenantId;
        UUID teamId;
        UUID agentId;
        UUID ownerId;
        UUID accountId;
        UUID artistId;
        UUID modelId;
        String title;
        SessionStatus status;
        boolean warning;
        String lifecycleState;
        long lifecycleVersion;
        Instant createdAt;
        Instant updatedAt;
        Instant startedAt;
        Instant finishedAt;
        Instant lastActivityAt;
        String preview;
        String outputPreview;
        Usage usage;
        Session.Sharing sharing;
        List<String> tags;
        JsonNode capabilities;
        Session.Repository repository;
        JsonNode globalSkillRefs;
        JsonNode sandboxState;
        Integer linesAdded;
        Integer linesRemoved;
        JsonNode extra;
        // lifecycle (issue #12)
        Instant deletedAt;
        String locale;
        JsonNode variables;
        UUID forkedFromId;
    }

    @Override
    public synchronized Tenant ensureTenant(String name) {
        Optional<Tenant> found = findTenant(name);
        if (found.isPresent()) {
            return found.get();
        }
        storable(Column.TENANT_NAME, Objects.requireNonNull(name, "name"));
        Instant now = micros(Instant.now());
        TenantRow tenant = new TenantRow(Ids.newId(), name, Ids.newObjectId(), now);
        tenants.put(tenant.id(), tenant);
        Team team = new Team(Ids.newId(), tenant.id(), Ids.newObjectId(), DEFAULT_TEAM, true, now);
        teams.put(team.id(), team);
        return tenant(tenant);
    }

    @Override
    public synchronized Optional<Tenant> findTenant(String name) {
        if (unstorable(Column.TENANT_NAME, name)) {
            return Optional.empty();
        }
        return tenants.values().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .map(this::tenant);
    }

    @Override
    public synchronized Optional<Tenant> findTenantById(UUID id) {
        return Optional.ofNullable(tenants.get(id)).map(this::tenant);
    }

    private Tenant tenant(TenantRow t) {
        Team team = teams.values().stream()
                .filter(x -> x.tenantId().equals(t.id()) && x.isDefault())
                .findFirst()
                .orElseThrow();
        return new Tenant(t.id(), t.name(), t.objectId(), team.id(), team.objectId(), t.createdAt());
    }

    @Override
    public synchronized Agent createAgent(Tenant tenant, NewAgent agent, Instant now) {
        UUID teamId = tenant.defaultTeamId();
        String named = agent.team();
        if (named != null) {
            List<Team> matches = teams.values().stream()
                    .filter(t -> t.tenantId().equals(tenant.id()))
                    .filter(t -> (!unstorable(Column.TEAM_OBJECT_ID, named)
                                    && t.objectId().equals(named))
                            || (!unstorable(Column.TEAM_NAME, named) && t.name().equals(named)))
                    .toList();
            if (matches.size() > 1) {
                throw new IllegalStateException("team '" + named + "' names more than one team"); // as fetchOptional
            }
            teamId = matches.stream()
                    .findFirst()
                    .map(Team::id)
                    .orElseThrow(() -> new GatewayException(
                            ErrorKind.NOT_FOUND,
                            "team_not_found",
                            "team '" + named + "' not found in tenant '" + tenant.name() + "'",
                            "team"));
        }
        storable(Column.AGENT_NAME, Objects.requireNonNull(agent.name(), "name"));
        agent.managers().forEach(Objects::requireNonNull);
        boolean taken = agents.values().stream()
                .anyMatch(a -> a.tenantId().equals(tenant.id()) && a.name().equals(agent.name()));
        if (taken || !tenants.containsKey(tenant.id()) || !teams.containsKey(teamId)) {
            // The jOOQ store reports any integrity violation of this insert (a missing tenant too) as the name's.
            throw new GatewayException(
                    ErrorKind.CONFLICT,
                    "agent_exists",
                    "an agent named '" + agent.name() + "' already exists in tenant '" + tenant.name() + "'",
                    "name");
        }
        AgentRow row = new AgentRow(
                Ids.newId(),
                tenant.id(),
                teamId,
                agent.name(),
                Ids.newObjectId(),
                List.copyOf(agent.managers()),
                agent.restricted(),
                micros(now),
                agent.responder() == null ? Agent.DEFAULT_RESPONDER : agent.responder());
        agents.put(row.id(), row);
        return agent(row);
    }

    @Override
    public synchronized List<Agent> listAgents(UUID tenantId) {
        return agents.values().stream()
                .filter(a -> a.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(AgentRow::createdAt).thenComparing(AgentRow::id, UUID_ORDER))
                .map(this::agent)
                .toList();
    }

    @Override
    public synchronized Optional<Agent> findAgentByName(UUID tenantId, String name) {
        if (unstorable(Column.AGENT_NAME, name)) {
            return Optional.empty();
        }
        return agents.values().stream()
                .filter(a -> a.tenantId().equals(tenantId) && a.name().equals(name))
                .findFirst()
                .map(this::agent);
    }

    @Override
    public synchronized Optional<Agent> findAgentById(UUID id) {
        return Optional.ofNullable(agents.get(id)).map(this::agent);
    }

    @Override
    public synchronized Optional<Agent> findAgentByObjectId(String objectId) {
        if (unstorable(Column.AGENT_OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return agents.values().stream()
                .filter(a -> a.objectId().equals(objectId))
                .findFirst()
                .map(this::agent);
    }

    private Agent agent(AgentRow a) {
        return new Agent(
                a.id(),
                a.tenantId(),
                tenants.get(a.tenantId()).name(),
                a.teamId(),
                teams.get(a.teamId()).objectId(),
                a.name(),
                a.objectId(),
                a.managers(),
                a.restricted(),
                a.createdAt(),
                a.createdAt(),
                a.responder());
    }

    @Override
    public synchronized Team createTeam(Tenant tenant, String name, Instant now) {
        storable(Column.TEAM_NAME, Objects.requireNonNull(name, "name"));
        boolean taken = teams.values().stream()
                .anyMatch(t -> t.tenantId().equals(tenant.id()) && t.name().equals(name));
        if (taken || !tenants.containsKey(tenant.id())) {
            throw new GatewayException(
                    ErrorKind.CONFLICT,
                    "team_exists",
                    "a team named '" + name + "' already exists in tenant '" + tenant.name() + "'",
                    "name");
        }
        Team team = new Team(Ids.newId(), tenant.id(), Ids.newObjectId(), name, false, micros(now));
        teams.put(team.id(), team);
        return team;
    }

    @Override
    public synchronized List<Team> listTeams(UUID tenantId) {
        return teams.values().stream()
                .filter(t -> t.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(Team::isDefault)
                        .reversed()
                        .thenComparing(Team::createdAt)
                        .thenComparing(Team::id, UUID_ORDER))
                .toList();
    }

    @Override
    public synchronized Optional<Team> findTeamByObjectId(String objectId) {
        if (unstorable(Column.TEAM_OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return teams.values().stream()
                .filter(t -> t.objectId().equals(objectId))
                .findFirst();
    }

    @Override
    public synchronized ApiKey createApiKey(
            Tenant tenant, NewApiKey key, String display, String secretHash, Instant now) {
        storable(Column.API_KEY_DIALECT, Objects.requireNonNull(key.dialect(), "dialect"));
        storable(Column.API_KEY_NAME, Objects.requireNonNull(key.name(), "name"));
        storable(Column.API_KEY_DISPLAY, Objects.requireNonNull(display, "display"));
        storable(Column.API_KEY_SECRET_HASH, Objects.requireNonNull(secretHash, "secretHash"));
        storable(
                Column.API_KEY_SUBJECT_TYPE,
                Objects.requireNonNull(key.subject().type(), "subject type"));
        storable(Column.API_KEY_SUBJECT_ID, Objects.requireNonNull(key.subject().id(), "subject id"));
        // Like the database, these are no client's doing: they stay unchecked exceptions (500), not GatewayExceptions.
        if (apiKeys.values().stream().anyMatch(k -> k.secretHash().equals(secretHash))) {
            throw new IntegrityConstraintViolationException("duplicate key: uq_api_key_secret_hash");
        }
        if (!tenants.containsKey(tenant.id())) {
            throw new IntegrityConstraintViolationException("foreign key: fk_api_key_tenant");
        }
        ApiKeyRow row = new ApiKeyRow(Ids.newId(), tenant.id(), key, display, secretHash, micros(now), null, null);
        apiKeys.put(row.id(), row);
        return apiKey(row);
    }

    @Override
    public synchronized Optional<ApiKey> findApiKeyByHash(String secretHash) {
        if (unstorable(Column.API_KEY_SECRET_HASH, secretHash)) {
            return Optional.empty();
        }
        return apiKeys.values().stream()
                .filter(k -> k.secretHash().equals(secretHash))
                .findFirst()
                .map(this::apiKey);
    }

    @Override
    public synchronized List<ApiKey> listApiKeys(UUID tenantId) {
        return apiKeys.values().stream()
                .filter(k -> k.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(ApiKeyRow::createdAt).thenComparing(ApiKeyRow::id, UUID_ORDER))
                .map(this::apiKey)
                .toList();
    }

    @Override
    public synchronized boolean revokeApiKey(UUID tenantId, UUID keyId, Instant now) {
        ApiKeyRow k = apiKeys.get(keyId);
        if (k == null || !k.tenantId().equals(tenantId)) {
            return false;
        }
        if (k.revokedAt() == null) {
            apiKeys.put(
                    keyId,
                    new ApiKeyRow(
                            k.id(),
                            k.tenantId(),
                            k.key(),
                            k.display(),
                            k.secretHash(),
                            k.createdAt(),
                            micros(now),
                            k.lastUsedAt()));
        }
        return true;
    }

    @Override
    public synchronized void touchApiKey(UUID keyId, Instant now) {
        ApiKeyRow k = apiKeys.get(keyId);
        if (k != null && (k.lastUsedAt() == null || k.lastUsedAt().isBefore(micros(now.minusSeconds(1))))) {
            apiKeys.put(
                    keyId,
                    new ApiKeyRow(
                            k.id(),
                            k.tenantId(),
                            k.key(),
                            k.display(),
                            k.secretHash(),
                            k.createdAt(),
                            k.revokedAt(),
                            micros(now)));
        }
    }

    private ApiKey apiKey(ApiKeyRow k) {
        NewApiKey key = k.key();
        // The subject's slug is not stored with a key.
        return new ApiKey(
                k.id(),
                tenants.get(k.tenantId()).name(),
                key.dialect(),
                key.name(),
                k.display(),
                new SubjectRef(key.subject().type(), key.subject().id(), null),
                key.accountId(),
                key.teams(),
                k.createdAt(),
                micros(key.expiresAt()),
                k.revokedAt(),
                k.lastUsedAt());
    }

    @Override
    public synchronized Session createSession(
            UUID id,
            String publicId,
            Agent agent,
            SubjectRef owner,
            UUID accountId,
            NewSession request,
            SessionStatus status,
            Instant now) {
        Session.Repository repo = request.repository() == null ? Session.Repository.NONE : request.repository();
        storable(Column.SUBJECT_SUBJECT_TYPE, Objects.requireNonNull(owner.type(), "subject type"));
        storable(Column.SUBJECT_SUBJECT_ID, Objects.requireNonNull(owner.id(), "subject id"));
        storable(Column.SUBJECT_SUBJECT_SLUG, owner.slug());
        storable(Column.SESSION_PUBLIC_ID, Objects.requireNonNull(publicId, "publicId"));
        storable(Column.SESSION_TITLE, request.title());
        storable(Column.SESSION_LIFECYCLE_STATE, request.lifecycleState());
        storable(Column.SESSION_REPO_OWNER, repo.owner());
        storable(Column.SESSION_REPO_NAME, repo.name());
        storable(Column.SESSION_BRANCH, repo.branch());
        storable(Column.SESSION_CLONE_URL, repo.cloneUrl());
        if (request.tags() != null) {
            request.tags().forEach(tag -> storable(Column.SESSION_TAGS, tag));
        }
        boolean taken = sessions.containsKey(Objects.requireNonNull(id, "id"))
                || sessions.values().stream().anyMatch(s -> s.publicId.equals(publicId));
        if (taken || !agents.containsKey(agent.id())) {
            // The jOOQ store reports any integrity violation of this insert (a missing agent too) as the id's.
            throw new GatewayException(
                    ErrorKind.CONFLICT, "session_exists", "a session with id '" + publicId + "' already exists", "id");
        }
        Instant at = micros(now);
        SessionRow s = new SessionRow();
        s.id = id;
        s.publicId = publicId;
        s.objectId = Ids.newObjectId();
        s.tenantId = agent.tenantId();
        s.teamId = agent.teamId();
        s.agentId = agent.id();
        s.ownerId = upsertSubject(agent.tenantId(), owner);
        s.accountId = accountId;
        s.artistId = request.artistId();
        s.modelId = request.modelId();
        s.title = request.title();
        s.status = Objects.requireNonNull(status, "status");
        s.lifecycleState = request.lifecycleState();
        s.createdAt = at;
        s.updatedAt = at;
        s.sharing = request.sharingMode() == null
                ? Session.Sharing.TEAM
                : new Session.Sharing(request.sharingMode(), Map.of());
        s.tags = request.tags() == null ? null : Collections.unmodifiableList(new ArrayList<>(request.tags()));
        s.capabilities = copy(request.capabilities());
        s.repository = repo;
        s.globalSkillRefs = copy(request.globalSkillRefs());
        s.sandboxState = copy(request.sandboxState());
        s.linesAdded = request.linesAdded();
        s.linesRemoved = request.linesRemoved();
        s.extra = copy(request.extra());
        sessions.put(id, s);
        return session(s);
    }

    /** The subject's row, created on first use; the slug is the latest token's word on it. */
    private UUID upsertSubject(UUID tenantId, SubjectRef subject) {
        for (SubjectRow row : subjects.values()) {
            if (row.tenantId().equals(tenantId)
                    && row.type().equals(subject.type())
                    && row.subjectId().equals(subject.id())) {
                if (!Objects.equals(row.slug(), subject.slug())) {
                    subjects.put(
                            row.id(), new SubjectRow(row.id(), tenantId, row.type(), row.subjectId(), subject.slug()));
                }
                return row.id();
            }
        }
        SubjectRow row = new SubjectRow(Ids.newId(), tenantId, subject.type(), subject.id(), subject.slug());
        subjects.put(row.id(), row);
        return row.id();
    }

    @Override
    public synchronized Optional<Session> updateSession(UUID id, SessionChange change, Instant now) {
        SessionRow s = live(id);
        if (s == null) {
            return Optional.empty();
        }
        // Checked before anything changes: an update lands whole or not at all.
        storable(
                Column.SESSION_TITLE,
                change.title() == null ? null : change.title().value());
        storable(
                Column.SESSION_PREVIEW,
                change.preview() == null ? null : change.preview().value());
        storable(
                Column.SESSION_OUTPUT_PREVIEW,
                change.outputPreview() == null ? null : change.outputPreview().value());
        Instant at = bump(s, now);
        s.updatedAt = at;
        s.lifecycleVersion++;
        if (change.title() != null) {
            s.title = change.title().value();
        }
        SessionStatus status = change.status();
        if (status != null) {
            s.status = status;
            if (status == SessionStatus.RUNNING && s.startedAt == null) {
                s.startedAt = at;
            }
            boolean ended = status == SessionStatus.COMPLETED
                    || status == SessionStatus.FAILED
                    || status == SessionStatus.CANCELLED;
            if (ended && s.finishedAt == null) {
                s.finishedAt = at;
            }
            if (status.isFinished() || status == SessionStatus.RUNNING || status == SessionStatus.WAITING) {
                s.lastActivityAt = at;
            }
        }
        if (change.warning() != null) {
            s.warning = change.warning();
        }
        if (change.preview() != null) {
            s.preview = change.preview().value();
        }
        if (change.outputPreview() != null) {
            s.outputPreview = change.outputPreview().value();
        }
        if (change.usage() != null) {
            s.usage = change.usage().value();
        }
        if (change.sharing() != null) {
            s.sharing = change.sharing();
        }
        return Optional.of(session(s));
    }

    @Override
    public synchronized boolean titleInUse(UUID tenantId, UUID accountId, String title) {
        if (unstorable(Column.SESSION_TITLE, title)) {
            return false;
        }
        return sessions.values().stream()
                .anyMatch(s -> s.deletedAt == null
                        && s.tenantId.equals(tenantId)
                        && Objects.equals(s.accountId, accountId)
                        && title.equals(s.title));
    }

    @Override
    public synchronized Optional<Session> findByPublicId(String publicId) {
        if (unstorable(Column.SESSION_PUBLIC_ID, publicId)) {
            return Optional.empty();
        }
        return findSession(s -> s.publicId.equals(publicId));
    }

    @Override
    public synchronized Optional<Session> findById(UUID id) {
        return Optional.ofNullable(live(id)).map(this::session);
    }

    @Override
    public synchronized Optional<Session> findByObjectId(String objectId) {
        if (unstorable(Column.SESSION_OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return findSession(s -> s.objectId.equals(objectId));
    }

    private Optional<Session> findSession(Predicate<SessionRow> match) {
        return sessions.values().stream()
                .filter(s -> s.deletedAt == null && match.test(s))
                .findFirst()
                .map(this::session);
    }

    @Override
    public synchronized List<Session> listSessions(UUID tenantId, int limit) {
        Stream<SessionRow> rows = sessions.values().stream()
                .filter(s -> s.deletedAt == null && s.tenantId.equals(tenantId))
                .sorted(Comparator.<SessionRow, Instant>comparing(s -> s.createdAt)
                        .thenComparing(s -> s.id, UUID_ORDER));
        return rows.limit(limit).map(this::session).toList();
    }

    /** The row with its tenant, team, agent and owner joined, and copies of everything mutable. */
    private Session session(SessionRow s) {
        TenantRow tenant = tenants.get(s.tenantId);
        Team team = teams.get(s.teamId);
        AgentRow agent = agents.get(s.agentId);
        SubjectRow owner = subjects.get(s.ownerId);
        return new Session(
                s.id,
                s.publicId,
                s.objectId,
                new Session.Scope(tenant.id(), tenant.name(), tenant.objectId(), team.id(), team.objectId()),
                new Session.AgentRef(agent.id(), agent.name(), agent.objectId(), agent.managers()),
                new SubjectRef(owner.type(), owner.subjectId(), owner.slug()),
                s.accountId,
                s.artistId,
                s.modelId,
                s.title,
                s.status,
                s.warning,
                new Session.Lifecycle(s.lifecycleState, s.lifecycleVersion, null, null),
                new Session.Timestamps(s.createdAt, s.updatedAt, s.startedAt, s.finishedAt, s.lastActivityAt),
                s.preview,
                s.outputPreview,
                s.usage,
                new Session.Sharing(s.sharing.mode(), s.sharing.permissions()),
                s.tags,
                copy(s.capabilities),
                s.repository,
                copy(s.globalSkillRefs),
                new Session.Sandbox(copy(s.sandboxState), null, null, null, null, null),
                new Session.DiffStats(s.linesAdded, s.linesRemoved, null, null),
                copy(s.extra),
                s.locale,
                copy(s.variables),
                s.forkedFromId,
                s.deletedAt,
                false);
    }

    /**
     * Refuses text the column cannot hold, as the databases do (PostgreSQL: SQLSTATE 22001, 22021) and with the
     * error the jOOQ store gives for it.
     */
    private static void storable(Column column, String value) {
        if (value != null && (value.indexOf('\0') >= 0 || tooLong(column, value))) {
            throw GatewayException.invalidBody("a value contains characters the session store cannot hold", null);
        }
    }

    /** A lookup key that no row can hold names nothing. */
    private static boolean unstorable(Column column, String key) {
        return key == null || key.indexOf('\0') >= 0 || tooLong(column, key);
    }

    private static boolean tooLong(Column column, String value) {
        return value.codePointCount(0, value.length()) > column.length;
    }

    private static JsonNode copy(JsonNode node) {
        return node == null ? null : node.deepCopy();
    }

    /** Both databases keep microseconds, rounding the nanoseconds half up. */
    private static Instant micros(Instant t) {
        if (t == null) {
            return null;
        }
        int below = t.getNano() % 1_000;
        Instant down = t.minusNanos(below);
        return below >= 500 ? down.plusNanos(1_000) : down;
    }

    // ---- Lifecycle (issue #12): the same rules as the jOOQ store, over the rows above.

    /** Pins: session id to the subject rows that pinned it. */
    private final Map<UUID, Set<UUID>> pins = new HashMap<>();

    private SessionRow live(UUID id) {
        SessionRow s = sessions.get(id);
        return s == null || s.deletedAt != null ? null : s;
    }

    /** {@code max(now, previous + 1 ms)}, as the jOOQ store computes it from the locked row. */
    private static Instant bump(SessionRow s, Instant now) {
        Instant at = micros(now);
        Instant floor = s.updatedAt.plusMillis(1);
        return at.isBefore(floor) ? floor : at;
    }

    private Optional<UUID> subjectRow(UUID tenantId, SubjectRef subject) {
        return subjects.values().stream()
                .filter(r -> r.tenantId().equals(tenantId)
                        && r.subjectId().equals(subject.id())
                        && (subject.type() == null || r.type().equals(subject.type())))
                .map(SubjectRow::id)
                .findFirst();
    }

    private boolean ownedBy(SessionRow s, SubjectRef owner) {
        SubjectRow row = subjects.get(s.ownerId);
        return row.subjectId().equals(owner.id())
                && (owner.type() == null || row.type().equals(owner.type()));
    }

    private boolean pinnedBy(SessionRow s, SubjectRef subject) {
        if (subject == null) {
            return false;
        }
        Optional<UUID> row = subjectRow(s.tenantId, subject);
        return row.isPresent() && pins.getOrDefault(s.id, Set.of()).contains(row.get());
    }

    /** The rows a selection matches, its keyset, offset and limit aside. */
    private Stream<SessionRow> matching(SessionSelection q) {
        return sessions.values().stream()
                .filter(s -> s.deletedAt == null && s.tenantId.equals(q.tenantId()))
                .filter(s -> q.teamId() == null || s.teamId.equals(q.teamId()))
                .filter(s -> q.agentIds() == null || q.agentIds().contains(s.agentId))
                .filter(s -> q.accountId() == null || q.accountId().equals(s.accountId))
                .filter(s -> q.owner() == null || ownedBy(s, q.owner()))
                .filter(s -> q.statuses().isEmpty() || q.statuses().contains(s.status))
                .filter(s -> q.titleContains() == null
                        || (s.title != null
                                && s.title
                                        .toLowerCase(Locale.ROOT)
                                        .contains(q.titleContains().toLowerCase(Locale.ROOT))))
                .filter(s -> q.createdFrom() == null || !s.createdAt.isBefore(q.createdFrom()))
                .filter(s -> q.createdTo() == null || !s.createdAt.isAfter(q.createdTo()))
                .filter(s -> visible(s, q.tenantId(), q.visibility()));
    }

    private boolean visible(SessionRow s, UUID tenantId, SessionSelection.Visibility v) {
        if (v instanceof SessionSelection.Visibility.OwnerOrAgents either) {
            return either.agents().contains(s.agentId) || ownedBy(s, either.owner());
        }
        if (v instanceof SessionSelection.Visibility.SharedWith shared) {
            return s.sharing.mode() != SharingMode.RESTRICTED
                    || ownedBy(s, shared.caller())
                    || shared.grantees().stream().anyMatch(s.sharing.permissions()::containsKey);
        }
        return true;
    }

    private static Comparator<SessionRow> order(Order order) {
        Comparator<SessionRow> created =
                Comparator.<SessionRow, Instant>comparing(s -> s.createdAt).thenComparing(s -> s.id, UUID_ORDER);
        Comparator<SessionRow> object = Comparator.comparing(s -> s.objectId);
        return switch (order) {
            case CREATED_ASC -> created;
            case CREATED_DESC -> created.reversed();
            case OBJECT_ID_ASC -> object;
            case OBJECT_ID_DESC -> object.reversed();
        };
    }

    private static boolean after(SessionRow s, Order order, Position p) {
        if (p == null) {
            return true;
        }
        int c = switch (order) {
            case CREATED_ASC, CREATED_DESC -> {
                int byTime = s.createdAt.compareTo(p.createdAt());
                yield byTime != 0 ? byTime : UUID_ORDER.compare(s.id, p.id());
            }
            case OBJECT_ID_ASC, OBJECT_ID_DESC -> s.objectId.compareTo(p.objectId());
        };
        boolean ascending = order == Order.CREATED_ASC || order == Order.OBJECT_ID_ASC;
        return ascending ? c > 0 : c < 0;
    }

    @Override
    public synchronized List<Session> findSessions(SessionSelection selection) {
        return matching(selection)
                .filter(s -> after(s, selection.order(), selection.after()))
                .sorted(order(selection.order()))
                .skip(selection.offset())
                .limit(selection.limit())
                .map(s -> session(s).toBuilder()
                        .pinned(pinnedBy(s, selection.pinnedFor()))
                        .build())
                .toList();
    }

    @Override
    public synchronized long countSessions(SessionSelection selection) {
        return matching(selection).count();
    }

    @Override
    public synchronized StatusCounts countByStatus(UUID tenantId, UUID scopeId) {
        Map<SessionStatus, Long> counts = new HashMap<>();
        sessions.values().stream()
                .filter(s -> s.deletedAt == null && s.tenantId.equals(tenantId))
                .filter(s -> scopeId.equals(s.tenantId) || scopeId.equals(s.agentId) || scopeId.equals(s.accountId))
                .forEach(s -> counts.merge(s.status, 1L, Long::sum));
        return new StatusCounts(counts);
    }

    @Override
    public synchronized Optional<Session> patchSession(UUID id, SessionPatch patch, Instant now) {
        SessionRow s = live(id);
        if (s == null) {
            return Optional.empty();
        }
        storable(
                Column.SESSION_TITLE,
                patch.title() == null ? null : patch.title().value());
        storable(
                Column.SESSION_LOCALE,
                patch.locale() == null ? null : patch.locale().value());
        if (patch.tags() != null && patch.tags().value() != null) {
            patch.tags().value().forEach(tag -> storable(Column.SESSION_TAGS, tag));
        }
        Instant at = bump(s, now);
        boolean changed = false;
        if (patch.title() != null) {
            s.title = patch.title().value();
            changed = true;
        }
        if (patch.tags() != null) {
            s.tags = patch.tags().value();
            changed = true;
        }
        if (patch.locale() != null) {
            s.locale = patch.locale().value();
            changed = true;
        }
        if (patch.variables() != null) {
            s.variables = copy(patch.variables().value());
            changed = true;
        }
        if (patch.linesAdded() != null) {
            s.linesAdded = patch.linesAdded().value();
            changed = true;
        }
        if (patch.linesRemoved() != null) {
            s.linesRemoved = patch.linesRemoved().value();
            changed = true;
        }
        if (patch.status() != null) {
            switch (patch.status()) {
                case ARCHIVE -> {
                    s.status = SessionStatus.ARCHIVED;
                    s.lifecycleState = "archived";
                    s.lifecycleVersion++;
                    changed = true;
                }
                case REOPEN -> {
                    if (s.status == SessionStatus.ARCHIVED) {
                        s.status = s.startedAt != null ? SessionStatus.WAITING : SessionStatus.CREATED;
                        s.lifecycleState = null;
                        s.lifecycleVersion++;
                        changed = true;
                    } else if (s.status.isFinished()) {
                        s.status = SessionStatus.WAITING;
                        changed = true;
                    }
                }
                case COMPLETE, FAIL -> {
                    s.status = patch.status() == StatusWrite.COMPLETE ? SessionStatus.COMPLETED : SessionStatus.FAILED;
                    if (s.finishedAt == null) {
                        s.finishedAt = at;
                    }
                    changed = true;
                }
            }
        }
        if (changed) {
            s.updatedAt = at;
        }
        return Optional.of(session(s));
    }

    @Override
    public synchronized Optional<CancelResult> cancelSession(UUID id, Set<SessionStatus> from, Instant now) {
        SessionRow s = live(id);
        if (s == null) {
            return Optional.empty();
        }
        boolean changed = from.contains(s.status);
        if (changed) {
            Instant at = bump(s, now);
            s.status = SessionStatus.CANCELLED;
            if (s.finishedAt == null) {
                s.finishedAt = at;
            }
            s.updatedAt = at;
        }
        return Optional.of(new CancelResult(session(s), changed));
    }

    @Override
    public synchronized boolean deleteSession(UUID id, Instant now) {
        SessionRow s = live(id);
        if (s == null) {
            return false;
        }
        Instant at = bump(s, now);
        s.deletedAt = at;
        s.updatedAt = at;
        return true;
    }

    @Override
    public synchronized Optional<Session> setPinned(UUID id, SubjectRef subject, boolean pinned, Instant now) {
        SessionRow s = live(id);
        if (s == null) {
            return Optional.empty();
        }
        if (pinned) {
            storable(Column.SUBJECT_SUBJECT_TYPE, subject.type());
            storable(Column.SUBJECT_SUBJECT_ID, subject.id());
            storable(Column.SUBJECT_SUBJECT_SLUG, subject.slug());
            pins.computeIfAbsent(id, k -> new HashSet<>()).add(upsertSubject(s.tenantId, subject));
        } else {
            subjectRow(s.tenantId, subject)
                    .ifPresent(row -> pins.getOrDefault(id, new HashSet<>()).remove(row));
        }
        return Optional.of(session(s).toBuilder().pinned(pinned).build());
    }

    @Override
    public synchronized boolean isPinned(UUID id, SubjectRef subject) {
        SessionRow s = sessions.get(id);
        return s != null && pinnedBy(s, subject);
    }

    @Override
    public synchronized Optional<Session> forkSession(
            UUID parentId, UUID newId, Agent agent, SubjectRef owner, UUID accountId, ForkRequest fork, Instant now) {
        SessionRow p = live(parentId);
        if (p == null) {
            return Optional.empty();
        }
        storable(Column.SESSION_TITLE, fork.title());
        storable(Column.SESSION_LOCALE, fork.locale());
        storable(Column.SUBJECT_SUBJECT_TYPE, owner.type());
        storable(Column.SUBJECT_SUBJECT_ID, owner.id());
        storable(Column.SUBJECT_SUBJECT_SLUG, owner.slug());
        Instant at = micros(now);
        SessionRow s = new SessionRow();
        s.id = newId;
        s.publicId = Ids.sessionPublicId(newId);
        s.objectId = Ids.newObjectId();
        s.tenantId = p.tenantId;
        s.teamId = agent == null ? p.teamId : agent.teamId();
        s.agentId = agent == null ? p.agentId : agent.id();
        s.ownerId = upsertSubject(p.tenantId, owner);
        s.accountId = accountId;
        s.artistId = p.artistId;
        s.modelId = fork.modelId() != null ? fork.modelId() : p.modelId;
        s.title = fork.title();
        s.status = SessionStatus.CREATED;
        s.createdAt = at;
        s.updatedAt = at;
        s.sharing = p.sharing;
        s.tags = fork.tags() != null ? fork.tags() : p.tags;
        s.capabilities = copy(p.capabilities);
        s.repository = p.repository;
        s.globalSkillRefs = copy(p.globalSkillRefs);
        s.extra = copy(p.extra);
        s.locale = fork.locale() != null ? fork.locale() : p.locale;
        s.variables = copy(p.variables);
        s.forkedFromId = parentId;
        sessions.put(newId, s);
        return Optional.of(session(s));
    }
}
