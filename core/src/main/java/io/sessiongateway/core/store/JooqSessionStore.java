package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.jooq.Tables.AGENT;
import static io.sessiongateway.core.store.jooq.Tables.API_KEY;
import static io.sessiongateway.core.store.jooq.Tables.SESSION;
import static io.sessiongateway.core.store.jooq.Tables.SESSION_COUNT;
import static io.sessiongateway.core.store.jooq.Tables.SESSION_PIN;
import static io.sessiongateway.core.store.jooq.Tables.SUBJECT;
import static io.sessiongateway.core.store.jooq.Tables.TEAM;
import static io.sessiongateway.core.store.jooq.Tables.TENANT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
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
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.model.Usage;
import io.sessiongateway.core.store.jooq.tables.records.AgentRecord;
import io.sessiongateway.core.store.jooq.tables.records.ApiKeyRecord;
import io.sessiongateway.core.store.jooq.tables.records.TeamRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.SelectOnConditionStep;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The {@link SessionStore} and {@link ConversationStore} over jOOQ; the same SQL runs on H2 and PostgreSQL. Lifecycle
 * writes append their events to the session's log in their own transaction (docs/architecture.md).
 */
public final class JooqSessionStore implements SessionStore, ConversationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final String DEFAULT_TEAM = "default";

    private final DSLContext dsl;
    private final DataSource dataSource;
    /** Reads the rows of the pre-rendered lookups ({@link #sessions}' columns, in order) straight from JDBC. */
    private final SessionRow.Reader sessionRows;
    /**
     * The session lookups of every read, rendered once here and only bound per request: rendering the five-table
     * join with jOOQ cost about a third of a GET's CPU time (profile in bench/results/profile-2026-12-02.md).
     * A constant SQL string also lets pgjdbc reuse its server-side prepared statement on each pooled connection.
     * The parameters take their column's type, so the SQL is exactly what jOOQ rendered per request before (on H2,
     * {@code cast(? as char(24))} for the ObjectId, {@code cast(? as varchar(64))} for the public id).
     */
    private final String byPublicIdSql;

    private final String byIdSql;
    private final String byObjectIdSql;
    /** {@link #sessionRows} with the caller's pin: how the lookups with a pin read their rows. */
    private final SessionRow.Reader pinnedSessionRows;
    /**
     * The lookups above with the subject's pin as one more column ({@link #isPinned}'s EXISTS, correlated): a read
     * with the caller's pin costs one query, not two. Binds: the subject's type, its id, then the key.
     */
    private final String byPublicIdPinnedSql;

    private final String byIdPinnedSql;
    private final String byObjectIdPinnedSql;
    private final JooqConversations conversations;
    /** The create path's statements and the lookups before a create, rendered once (issue #15). */
    private final CreateStatements create;

    private final TeamLookup teams;
    /** The list statements, rendered once per shape (issue #15). */
    private final ListStatements lists;

    public JooqSessionStore(Database database) {
        this.dsl = database.dsl();
        this.dataSource = database.requestDataSource();
        this.sessionRows = new SessionRow.Reader(sessions(dsl).getSelect().toArray(Field<?>[]::new));
        this.byPublicIdSql = dsl.render(sessions(dsl, true)
                .where(SESSION.PUBLIC_ID.eq(DSL.param("k", SESSION.PUBLIC_ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.byIdSql = dsl.render(sessions(dsl, true)
                .where(SESSION.ID.eq(DSL.param("k", SESSION.ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.byObjectIdSql = dsl.render(sessions(dsl, true)
                .where(SESSION.OBJECT_ID.eq(DSL.param("k", SESSION.OBJECT_ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.pinnedSessionRows =
                new SessionRow.Reader(pinnedSessions(dsl).getSelect().toArray(Field<?>[]::new));
        this.byPublicIdPinnedSql = dsl.render(pinnedSessions(dsl, true)
                .where(SESSION.PUBLIC_ID.eq(DSL.param("k", SESSION.PUBLIC_ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.byIdPinnedSql = dsl.render(pinnedSessions(dsl, true)
                .where(SESSION.ID.eq(DSL.param("k", SESSION.ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.byObjectIdPinnedSql = dsl.render(pinnedSessions(dsl, true)
                .where(SESSION.OBJECT_ID.eq(DSL.param("k", SESSION.OBJECT_ID)))
                .and(SESSION.DELETED_AT.isNull()));
        this.conversations = new JooqConversations(dsl);
        this.create = new CreateStatements(dsl, this::agents, () -> sessions(dsl));
        this.teams = new TeamLookup(dsl, dataSource);
        this.lists = new ListStatements(dsl, dataSource);
    }

    /** The PostgreSQL channel this store notifies after each commit that appended events; null on H2. */
    public String notificationChannel() {
        return conversations.channel();
    }

    /**
     * Runs one of the pre-rendered session lookups with its single bind value; jOOQ still reads the row (types,
     * converters) from the same fields as the rendered query. A JDBC failure becomes jOOQ's
     * {@link DataAccessException} with the {@link SQLException} as its cause, as jOOQ's own execution would.
     */
    private Optional<Session> findSession(String sql, Object key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(session(sessionRows.read(rs))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
        }
    }

    /**
     * One of the lookups with the subject's pin: binds the subject (nulls for one that cannot be stored, which no
     * pin matches, as {@link #isPinned} answers false for it), then the key.
     */
    private Optional<Session> findPinnedSession(String sql, Object key, SubjectRef subject) {
        boolean storable =
                !unstorable(SUBJECT.SUBJECT_ID, subject.id()) && !unstorable(SUBJECT.SUBJECT_TYPE, subject.type());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, storable ? subject.type() : null);
            ps.setObject(2, storable ? subject.id() : null);
            ps.setObject(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // the pin is the last column
                boolean pinned = rs.getBoolean(pinnedSessionRows.columns());
                return Optional.of(
                        builder(pinnedSessionRows.read(rs)).pinned(pinned).build());
            }
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
        }
    }

    @Override
    public Tenant ensureTenant(String name) {
        requireStorable(TENANT.NAME, name);
        return guard(() -> findTenant(name)
                .orElseGet(() -> dsl.transactionResult(trx -> {
                    DSLContext tx = trx.dsl();
                    OffsetDateTime now = odt(Instant.now());
                    UUID tenantId = Ids.newId();
                    insertIgnoringDuplicates(
                            tx,
                            ctx -> ctx.insertInto(TENANT)
                                    .set(TENANT.ID, tenantId)
                                    .set(TENANT.NAME, name)
                                    .set(TENANT.OBJECT_ID, Ids.newObjectId())
                                    .set(TENANT.CREATED_AT, now)
                                    .onConflictDoNothing());
                    UUID id = tx.select(TENANT.ID)
                            .from(TENANT)
                            .where(TENANT.NAME.eq(name))
                            .fetchSingle(TENANT.ID);
                    insertIgnoringDuplicates(
                            tx,
                            ctx -> ctx.insertInto(TEAM)
                                    .set(TEAM.ID, Ids.newId())
                                    .set(TEAM.TENANT_ID, id)
                                    .set(TEAM.OBJECT_ID, Ids.newObjectId())
                                    .set(TEAM.NAME, DEFAULT_TEAM)
                                    .set(TEAM.IS_DEFAULT, true)
                                    .set(TEAM.CREATED_AT, now)
                                    .onConflictDoNothing());
                    return findTenant(tx, name).orElseThrow();
                })));
    }

    @Override
    public Optional<Tenant> findTenant(String name) {
        if (unstorable(TENANT.NAME, name)) {
            return Optional.empty();
        }
        return guard(() -> CreateStatements.withConnection(dataSource, c -> create.tenant(c, name)));
    }

    @Override
    public Optional<Tenant> findTenantById(UUID id) {
        return guard(() -> dsl.select(TENANT.NAME)
                .from(TENANT)
                .where(TENANT.ID.eq(id))
                .fetchOptional(TENANT.NAME)
                .flatMap(this::findTenant));
    }

    private static Optional<Tenant> findTenant(DSLContext ctx, String name) {
        return ctx.select(TENANT.ID, TENANT.NAME, TENANT.OBJECT_ID, TENANT.CREATED_AT, TEAM.ID, TEAM.OBJECT_ID)
                .from(TENANT)
                .join(TEAM)
                .on(TEAM.TENANT_ID.eq(TENANT.ID).and(TEAM.IS_DEFAULT.isTrue()))
                .where(TENANT.NAME.eq(name))
                .fetchOptional(r -> new Tenant(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value5(),
                        r.value6(),
                        r.value4().toInstant()));
    }

    @Override
    public Agent createAgent(Tenant tenant, NewAgent agent, Instant now) {
        return guard(() -> {
            UUID id = Ids.newId();
            UUID teamId = tenant.defaultTeamId();
            if (agent.team() != null) {
                Condition named = DSL.falseCondition();
                if (!unstorable(TEAM.OBJECT_ID, agent.team())) {
                    named = named.or(TEAM.OBJECT_ID.eq(agent.team()));
                }
                if (!unstorable(TEAM.NAME, agent.team())) {
                    named = named.or(TEAM.NAME.eq(agent.team()));
                }
                teamId = dsl.select(TEAM.ID)
                        .from(TEAM)
                        .where(TEAM.TENANT_ID.eq(tenant.id()).and(named))
                        .fetchOptional(TEAM.ID)
                        .orElseThrow(() -> new GatewayException(
                                ErrorKind.NOT_FOUND,
                                "team_not_found",
                                "team '" + agent.team() + "' not found in tenant '" + tenant.name() + "'",
                                "team"));
            }
            try {
                dsl.insertInto(AGENT)
                        .set(AGENT.ID, id)
                        .set(AGENT.TENANT_ID, tenant.id())
                        .set(AGENT.TEAM_ID, teamId)
                        .set(AGENT.NAME, agent.name())
                        .set(AGENT.OBJECT_ID, Ids.newObjectId())
                        .set(AGENT.MANAGERS, jsonb(agent.managers()))
                        .set(AGENT.RESTRICTED, agent.restricted())
                        .set(AGENT.RESPONDER, agent.responder() == null ? Agent.DEFAULT_RESPONDER : agent.responder())
                        .set(AGENT.CREATED_AT, odt(now))
                        .set(AGENT.UPDATED_AT, odt(now))
                        .execute();
            } catch (IntegrityConstraintViolationException e) {
                throw new GatewayException(
                        ErrorKind.CONFLICT,
                        "agent_exists",
                        "an agent named '" + agent.name() + "' already exists in tenant '" + tenant.name() + "'",
                        "name",
                        e);
            }
            return agents().where(AGENT.ID.eq(id)).fetchSingle(JooqSessionStore::agent);
        });
    }

    @Override
    public List<Agent> listAgents(UUID tenantId) {
        return guard(() -> agents().where(AGENT.TENANT_ID.eq(tenantId))
                .orderBy(AGENT.CREATED_AT, AGENT.ID)
                .fetch(JooqSessionStore::agent));
    }

    @Override
    public Optional<Agent> findAgentByName(UUID tenantId, String name) {
        if (unstorable(AGENT.NAME, name)) {
            return Optional.empty();
        }
        return guard(() -> CreateStatements.withConnection(
                dataSource, c -> create.agentByName(c, tenantId, name, JooqSessionStore::agent)));
    }

    @Override
    public Optional<Agent> findAgentById(UUID id) {
        return guard(() ->
                CreateStatements.withConnection(dataSource, c -> create.agentById(c, id, JooqSessionStore::agent)));
    }

    @Override
    public Optional<Agent> findAgentByObjectId(String objectId) {
        if (unstorable(AGENT.OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return guard(() -> CreateStatements.withConnection(
                dataSource, c -> create.agentByObjectId(c, objectId, JooqSessionStore::agent)));
    }

    @Override
    public Team createTeam(Tenant tenant, String name, Instant now) {
        return guard(() -> {
            UUID id = Ids.newId();
            try {
                dsl.insertInto(TEAM)
                        .set(TEAM.ID, id)
                        .set(TEAM.TENANT_ID, tenant.id())
                        .set(TEAM.OBJECT_ID, Ids.newObjectId())
                        .set(TEAM.NAME, name)
                        .set(TEAM.IS_DEFAULT, false)
                        .set(TEAM.CREATED_AT, odt(now))
                        .execute();
            } catch (IntegrityConstraintViolationException e) {
                throw new GatewayException(
                        ErrorKind.CONFLICT,
                        "team_exists",
                        "a team named '" + name + "' already exists in tenant '" + tenant.name() + "'",
                        "name",
                        e);
            }
            return dsl.selectFrom(TEAM).where(TEAM.ID.eq(id)).fetchSingle(JooqSessionStore::team);
        });
    }

    @Override
    public List<Team> listTeams(UUID tenantId) {
        return guard(() -> dsl.selectFrom(TEAM)
                .where(TEAM.TENANT_ID.eq(tenantId))
                .orderBy(TEAM.IS_DEFAULT.desc(), TEAM.CREATED_AT, TEAM.ID)
                .fetch(JooqSessionStore::team));
    }

    @Override
    public Optional<Team> findTeamByObjectId(String objectId) {
        if (unstorable(TEAM.OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return guard(() -> CreateStatements.withConnection(
                dataSource, c -> create.teamByObjectId(c, objectId, r -> team(r.into(TEAM)))));
    }

    @Override
    public Optional<TeamInTenant> findTeamInTenant(String objectId) {
        if (unstorable(TEAM.OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return guard(() -> teams.find(objectId));
    }

    private static Team team(TeamRecord r) {
        return new Team(
                r.getId(),
                r.getTenantId(),
                r.getObjectId(),
                r.getName(),
                r.getIsDefault(),
                r.getCreatedAt().toInstant());
    }

    @Override
    public ApiKey createApiKey(Tenant tenant, NewApiKey key, String display, String secretHash, Instant now) {
        return guard(() -> {
            UUID id = Ids.newId();
            dsl.insertInto(API_KEY)
                    .set(API_KEY.ID, id)
                    .set(API_KEY.TENANT_ID, tenant.id())
                    .set(API_KEY.DIALECT, key.dialect())
                    .set(API_KEY.NAME, key.name())
                    .set(API_KEY.DISPLAY, display)
                    .set(API_KEY.SECRET_HASH, secretHash)
                    .set(API_KEY.SUBJECT_TYPE, key.subject().type())
                    .set(API_KEY.SUBJECT_ID, key.subject().id())
                    .set(API_KEY.ACCOUNT_ID, key.accountId())
                    .set(API_KEY.TEAMS, jsonb(key.teams()))
                    .set(API_KEY.CREATED_AT, odt(now))
                    .set(API_KEY.EXPIRES_AT, odt(key.expiresAt()))
                    .execute();
            return apiKeys().where(API_KEY.ID.eq(id)).fetchSingle(JooqSessionStore::apiKey);
        });
    }

    @Override
    public Optional<ApiKey> findApiKeyByHash(String secretHash) {
        if (unstorable(API_KEY.SECRET_HASH, secretHash)) {
            return Optional.empty();
        }
        return guard(() -> apiKeys().where(API_KEY.SECRET_HASH.eq(secretHash)).fetchOptional(JooqSessionStore::apiKey));
    }

    @Override
    public List<ApiKey> listApiKeys(UUID tenantId) {
        return guard(() -> apiKeys()
                .where(API_KEY.TENANT_ID.eq(tenantId))
                .orderBy(API_KEY.CREATED_AT, API_KEY.ID)
                .fetch(JooqSessionStore::apiKey));
    }

    @Override
    public boolean revokeApiKey(UUID tenantId, UUID keyId, Instant now) {
        return guard(() -> {
            int exists = dsl.fetchCount(API_KEY, API_KEY.ID.eq(keyId).and(API_KEY.TENANT_ID.eq(tenantId)));
            dsl.update(API_KEY)
                    .set(API_KEY.REVOKED_AT, odt(now))
                    .where(API_KEY.ID
                            .eq(keyId)
                            .and(API_KEY.TENANT_ID.eq(tenantId))
                            .and(API_KEY.REVOKED_AT.isNull()))
                    .execute();
            return exists > 0;
        });
    }

    @Override
    public void touchApiKey(UUID keyId, Instant now) {
        guard(() -> dsl.update(API_KEY)
                .set(API_KEY.LAST_USED_AT, odt(now))
                .where(API_KEY.ID
                        .eq(keyId)
                        .and(API_KEY.LAST_USED_AT.isNull().or(API_KEY.LAST_USED_AT.lt(odt(now.minusSeconds(1))))))
                .execute());
    }

    private SelectOnConditionStep<Record> apiKeys() {
        return dsl.select(API_KEY.fields())
                .select(TENANT.NAME)
                .from(API_KEY)
                .join(TENANT)
                .on(TENANT.ID.eq(API_KEY.TENANT_ID));
    }

    private static ApiKey apiKey(Record r) {
        ApiKeyRecord k = r.into(API_KEY);
        return new ApiKey(
                k.getId(),
                r.get(TENANT.NAME),
                k.getDialect(),
                k.getName(),
                k.getDisplay(),
                new SubjectRef(k.getSubjectType(), k.getSubjectId(), null),
                k.getAccountId(),
                readList(k.getTeams()),
                inst(k.getCreatedAt()),
                inst(k.getExpiresAt()),
                inst(k.getRevokedAt()),
                inst(k.getLastUsedAt()));
    }

    private SelectOnConditionStep<Record> agents() {
        return dsl.select(AGENT.fields())
                .select(TENANT.NAME, TEAM.OBJECT_ID)
                .from(AGENT)
                .join(TENANT)
                .on(TENANT.ID.eq(AGENT.TENANT_ID))
                .join(TEAM)
                .on(TEAM.ID.eq(AGENT.TEAM_ID));
    }

    private static Agent agent(Record r) {
        AgentRecord a = r.into(AGENT);
        return new Agent(
                a.getId(),
                a.getTenantId(),
                r.get(TENANT.NAME),
                a.getTeamId(),
                r.get(TEAM.OBJECT_ID),
                a.getName(),
                a.getObjectId(),
                readList(a.getManagers()),
                a.getRestricted(),
                a.getCreatedAt().toInstant(),
                a.getUpdatedAt().toInstant(),
                a.getResponder());
    }

    @Override
    public Session createSession(
            UUID id,
            String publicId,
            Agent agent,
            SubjectRef owner,
            UUID accountId,
            NewSession request,
            SessionStatus status,
            Instant now) {
        // Pre-rendered statements on the transaction's connection (CreateStatements): session, owner's subject row
        // and counters commit together or not at all.
        return guard(() -> dsl.transactionResult(trx -> {
            DSLContext tx = trx.dsl();
            return tx.connectionResult(c -> create.insert(
                    tx,
                    c,
                    id,
                    publicId,
                    agent,
                    owner,
                    accountId,
                    request,
                    status,
                    odt(now),
                    JooqSessionStore::jsonb,
                    JooqSessionStore::session));
        }));
    }

    @Override
    public Optional<Session> updateSession(UUID id, SessionChange change, Instant now) {
        return guard(() -> dsl.transactionResult(trx -> {
            DSLContext tx = trx.dsl();
            Optional<Locked> locked = lock(tx, id);
            if (locked.isEmpty()) {
                return Optional.<Session>empty();
            }
            OffsetDateTime at = bump(locked.get(), now);
            var update = tx.update(SESSION)
                    .set(SESSION.UPDATED_AT, at)
                    .set(SESSION.LIFECYCLE_VERSION, SESSION.LIFECYCLE_VERSION.plus(1));
            if (change.title() != null) {
                update = update.set(SESSION.TITLE, change.title().value());
            }
            if (change.status() != null) {
                SessionStatus s = change.status();
                update = update.set(SESSION.STATUS, s.dbValue());
                if (s == SessionStatus.RUNNING) {
                    update = update.set(SESSION.STARTED_AT, DSL.coalesce(SESSION.STARTED_AT, DSL.val(at)));
                }
                if (s == SessionStatus.COMPLETED || s == SessionStatus.FAILED || s == SessionStatus.CANCELLED) {
                    update = update.set(SESSION.FINISHED_AT, DSL.coalesce(SESSION.FINISHED_AT, DSL.val(at)));
                }
                if (s.isFinished() || s == SessionStatus.RUNNING || s == SessionStatus.WAITING) {
                    update = update.set(SESSION.LAST_ACTIVITY_AT, at);
                }
            }
            if (change.warning() != null) {
                update = update.set(SESSION.WARNING, change.warning());
            }
            if (change.preview() != null) {
                update = update.set(SESSION.PREVIEW, change.preview().value());
            }
            if (change.outputPreview() != null) {
                update = update.set(
                        SESSION.OUTPUT_PREVIEW, change.outputPreview().value());
            }
            if (change.usage() != null) {
                Usage u = change.usage().value();
                update = update.set(SESSION.INPUT_TOKENS, u == null ? null : u.inputTokens())
                        .set(SESSION.OUTPUT_TOKENS, u == null ? null : u.outputTokens())
                        .set(SESSION.CACHE_READ_TOKENS, u == null ? null : u.cacheReadTokens())
                        .set(SESSION.CACHE_CREATION_TOKENS, u == null ? null : u.cacheCreationTokens());
            }
            if (change.sharing() != null) {
                update = update.set(
                                SESSION.SHARING_MODE, change.sharing().mode().dbValue())
                        .set(
                                SESSION.SHARING_PERMISSIONS,
                                change.sharing().permissions().isEmpty()
                                        ? null
                                        : jsonb(change.sharing().permissions()));
            }
            update.where(SESSION.ID.eq(id)).execute();
            if (change.status() != null) {
                countMove(tx, locked.get(), change.status());
            }
            return sessions(tx).where(SESSION.ID.eq(id)).fetchOptional(JooqSessionStore::session);
        }));
    }

    static UUID upsertSubject(DSLContext tx, UUID tenantId, SubjectRef subject, OffsetDateTime at) {
        requireStorable(SUBJECT.SUBJECT_TYPE, subject.type());
        requireStorable(SUBJECT.SUBJECT_ID, subject.id());
        if (subject.slug() != null) {
            requireStorable(SUBJECT.SUBJECT_SLUG, subject.slug());
        }
        insertIgnoringDuplicates(
                tx,
                ctx -> ctx.insertInto(SUBJECT)
                        .set(SUBJECT.ID, Ids.newId())
                        .set(SUBJECT.TENANT_ID, tenantId)
                        .set(SUBJECT.SUBJECT_TYPE, subject.type())
                        .set(SUBJECT.SUBJECT_ID, subject.id())
                        .set(SUBJECT.SUBJECT_SLUG, subject.slug())
                        .set(SUBJECT.CREATED_AT, at)
                        .set(SUBJECT.UPDATED_AT, at)
                        .onConflictDoNothing());
        Condition identity = SUBJECT.TENANT_ID
                .eq(tenantId)
                .and(SUBJECT.SUBJECT_TYPE.eq(subject.type()))
                .and(SUBJECT.SUBJECT_ID.eq(subject.id()));
        // The slug is the token's latest word on the subject's display name.
        tx.update(SUBJECT)
                .set(SUBJECT.SUBJECT_SLUG, subject.slug())
                .set(SUBJECT.UPDATED_AT, at)
                .where(identity.and(SUBJECT.SUBJECT_SLUG.isDistinctFrom(subject.slug())))
                .execute();
        return tx.select(SUBJECT.ID).from(SUBJECT).where(identity).fetchSingle(SUBJECT.ID);
    }

    /**
     * Runs an {@code INSERT ... ON CONFLICT DO NOTHING} so that a concurrent insert of the same key ends in "the
     * row exists" on both databases. PostgreSQL's is atomic. H2 renders it as a MERGE, which a concurrent
     * transaction inserting the same key still fails with a unique violation (two requests creating the first
     * session of one subject at once): that outcome is what DO NOTHING promised, so it is swallowed, inside a
     * savepoint so that the surrounding transaction goes on.
     */
    static void insertIgnoringDuplicates(DSLContext tx, Function<DSLContext, Query> insert) {
        if (tx.dialect().family() == SQLDialect.POSTGRES) {
            insert.apply(tx).execute();
            return;
        }
        try {
            tx.transaction(nested -> insert.apply(nested.dsl()).execute());
        } catch (IntegrityConstraintViolationException raced) {
            // another transaction inserted the same key first
        }
    }

    @Override
    public boolean titleInUse(UUID tenantId, UUID accountId, String title) {
        if (unstorable(SESSION.TITLE, title)) {
            return false;
        }
        return guard(() -> dsl.fetchExists(
                SESSION,
                SESSION.TENANT_ID
                        .eq(tenantId)
                        .and(SESSION.ACCOUNT_ID.eq(accountId))
                        .and(SESSION.TITLE.eq(title))
                        .and(SESSION.DELETED_AT.isNull())));
    }

    @Override
    public Optional<Session> findByPublicId(String publicId) {
        if (unstorable(SESSION.PUBLIC_ID, publicId)) {
            return Optional.empty();
        }
        return guard(() -> findSession(byPublicIdSql, publicId));
    }

    @Override
    public Optional<Session> findById(UUID id) {
        return guard(() -> findSession(byIdSql, id));
    }

    @Override
    public Optional<Session> findByObjectId(String objectId) {
        if (unstorable(SESSION.OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return guard(() -> findSession(byObjectIdSql, objectId));
    }

    @Override
    public Optional<Session> findByPublicId(String publicId, SubjectRef pinFor) {
        if (unstorable(SESSION.PUBLIC_ID, publicId)) {
            return Optional.empty();
        }
        return guard(() -> findPinnedSession(byPublicIdPinnedSql, publicId, pinFor));
    }

    @Override
    public Optional<Session> findById(UUID id, SubjectRef pinFor) {
        return guard(() -> findPinnedSession(byIdPinnedSql, id, pinFor));
    }

    @Override
    public Optional<Session> findByObjectId(String objectId, SubjectRef pinFor) {
        if (unstorable(SESSION.OBJECT_ID, objectId)) {
            return Optional.empty();
        }
        return guard(() -> findPinnedSession(byObjectIdPinnedSql, objectId, pinFor));
    }

    @Override
    public List<Session> listSessions(UUID tenantId, int limit) {
        return guard(() -> sessions(dsl)
                .where(SESSION.TENANT_ID.eq(tenantId).and(SESSION.DELETED_AT.isNull()))
                .orderBy(SESSION.CREATED_AT, SESSION.ID)
                .limit(limit)
                .fetch(JooqSessionStore::session));
    }

    /** One query, primary-key joins only, for everything any dialect renders. */
    private static SelectOnConditionStep<Record> sessions(DSLContext ctx) {
        return sessions(ctx, false);
    }

    /** {@link #sessions(DSLContext)}, the CHAR columns as VARCHAR when {@code unpadded} ({@link SessionColumns}). */
    private static SelectOnConditionStep<Record> sessions(DSLContext ctx, boolean unpadded) {
        List<Field<?>> fields = SessionColumns.row();
        return SessionColumns.joined(ctx.select(unpadded ? SessionColumns.unpadded(fields) : fields));
    }

    /**
     * {@link #sessions} with one more column, {@link #PINNED}: whether the subject bound first (type, then id) has
     * pinned the session ({@link #isPinned}'s query, correlated).
     */
    private static SelectOnConditionStep<Record> pinnedSessions(DSLContext ctx) {
        return pinnedSessions(ctx, false);
    }

    /** {@link #pinnedSessions(DSLContext)}, with the CHAR columns as VARCHAR when {@code unpadded}. */
    private static SelectOnConditionStep<Record> pinnedSessions(DSLContext ctx, boolean unpadded) {
        Table<?> pinSubject = SUBJECT.as("pin_subject");
        Field<UUID> pinSubjectId = pinSubject.field(SUBJECT.ID);
        Field<String> pinSubjectType = pinSubject.field(SUBJECT.SUBJECT_TYPE);
        Field<String> pinSubjectExternal = pinSubject.field(SUBJECT.SUBJECT_ID);
        Field<Boolean> pinned = DSL.field(DSL.exists(DSL.selectOne()
                        .from(SESSION_PIN)
                        .join(pinSubject)
                        .on(pinSubjectId.eq(SESSION_PIN.SUBJECT_ID))
                        .where(SESSION_PIN
                                .SESSION_ID
                                .eq(SESSION.ID)
                                .and(pinSubjectType.eq(DSL.param("t", SUBJECT.SUBJECT_TYPE)))
                                .and(pinSubjectExternal.eq(DSL.param("s", SUBJECT.SUBJECT_ID))))))
                .as(PINNED);
        List<Field<?>> fields = SessionColumns.row();
        fields.add(pinned);
        return SessionColumns.joined(ctx.select(unpadded ? SessionColumns.unpadded(fields) : fields));
    }

    private static Session session(Record r) {
        return session(SessionRow.of(r));
    }

    /** The session of a row of {@link #sessions} (a jOOQ record, or the JDBC row of a lookup). */
    static Session session(SessionRow r) {
        return builder(r).build();
    }

    static Session.Builder builder(SessionRow r) {
        Usage usage = r.get(SESSION.INPUT_TOKENS) == null
                ? null
                : new Usage(
                        r.get(SESSION.INPUT_TOKENS),
                        nz(r.get(SESSION.OUTPUT_TOKENS)),
                        r.get(SESSION.CACHE_READ_TOKENS),
                        r.get(SESSION.CACHE_CREATION_TOKENS));
        List<String> tags = r.get(SESSION.TAGS) == null ? null : readList(r.get(SESSION.TAGS));
        return Session.builder()
                .id(r.get(SESSION.ID))
                .publicId(r.get(SESSION.PUBLIC_ID))
                .objectId(r.get(SESSION.OBJECT_ID))
                .scope(new Session.Scope(
                        r.get(SESSION.TENANT_ID),
                        r.get(TENANT.NAME),
                        r.get(TENANT.OBJECT_ID),
                        r.get(SESSION.TEAM_ID),
                        r.get(TEAM.OBJECT_ID)))
                .agent(new Session.AgentRef(
                        r.get(SESSION.AGENT_ID),
                        r.get(AGENT.NAME),
                        r.get(AGENT.OBJECT_ID),
                        readList(r.get(AGENT.MANAGERS))))
                .owner(new SubjectRef(
                        r.get(SUBJECT.SUBJECT_TYPE), r.get(SUBJECT.SUBJECT_ID), r.get(SUBJECT.SUBJECT_SLUG)))
                .accountId(r.get(SESSION.ACCOUNT_ID))
                .artistId(r.get(SESSION.ARTIST_ID))
                .modelId(r.get(SESSION.MODEL_ID))
                .title(r.get(SESSION.TITLE))
                .status(SessionStatus.fromDb(r.get(SESSION.STATUS)))
                .warning(r.get(SESSION.WARNING))
                .lifecycle(new Session.Lifecycle(
                        r.get(SESSION.LIFECYCLE_STATE),
                        r.get(SESSION.LIFECYCLE_VERSION),
                        r.get(SESSION.LIFECYCLE_RUN_ID),
                        r.get(SESSION.LIFECYCLE_ERROR)))
                .times(new Session.Timestamps(
                        inst(r.get(SESSION.CREATED_AT)),
                        inst(r.get(SESSION.UPDATED_AT)),
                        inst(r.get(SESSION.STARTED_AT)),
                        inst(r.get(SESSION.FINISHED_AT)),
                        inst(r.get(SESSION.LAST_ACTIVITY_AT))))
                .preview(r.get(SESSION.PREVIEW))
                .outputPreview(r.get(SESSION.OUTPUT_PREVIEW))
                .usage(usage)
                .sharing(new Session.Sharing(
                        SharingMode.fromDb(r.get(SESSION.SHARING_MODE)),
                        r.get(SESSION.SHARING_PERMISSIONS) == null
                                ? Map.of()
                                : readMap(r.get(SESSION.SHARING_PERMISSIONS))))
                .tags(tags)
                .capabilities(node(r.get(SESSION.CAPABILITIES)))
                .repository(new Session.Repository(
                        r.get(SESSION.REPO_OWNER),
                        r.get(SESSION.REPO_NAME),
                        r.get(SESSION.BRANCH),
                        r.get(SESSION.CLONE_URL),
                        r.get(SESSION.IS_NEW_BRANCH)))
                .globalSkillRefs(node(r.get(SESSION.GLOBAL_SKILL_REFS)))
                .sandbox(new Session.Sandbox(
                        node(r.get(SESSION.SANDBOX_STATE)),
                        inst(r.get(SESSION.SANDBOX_EXPIRES_AT)),
                        inst(r.get(SESSION.HIBERNATE_AFTER)),
                        r.get(SESSION.SNAPSHOT_URL),
                        inst(r.get(SESSION.SNAPSHOT_CREATED_AT)),
                        r.get(SESSION.SNAPSHOT_SIZE_BYTES)))
                .diff(new Session.DiffStats(
                        r.get(SESSION.LINES_ADDED),
                        r.get(SESSION.LINES_REMOVED),
                        node(r.get(SESSION.CACHED_DIFF)),
                        inst(r.get(SESSION.CACHED_DIFF_UPDATED_AT))))
                .extra(node(r.get(SESSION.EXTRA)))
                .locale(r.get(SESSION.LOCALE))
                .variables(node(r.get(SESSION.VARIABLES)))
                .forkedFromId(r.get(SESSION.FORKED_FROM_ID))
                .deletedAt(inst(r.get(SESSION.DELETED_AT)));
    }

    /**
     * Runs a store operation, turning an unreachable database, and a statement the database cancelled for running
     * past the statement timeout, into UNAVAILABLE (503 in every dialect). Everything else that escapes is a bug and stays an unchecked exception for the server's catch-all.
     */
    static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (DataAccessException e) {
            if (Database.isUnavailable(e)) {
                throw new GatewayException(
                        ErrorKind.UNAVAILABLE,
                        "database_unavailable",
                        "the session store is temporarily unavailable",
                        null,
                        e);
            }
            if (Database.isStatementTimeout(e)) {
                throw new GatewayException(
                        ErrorKind.UNAVAILABLE,
                        "statement_timeout",
                        "the session store did not answer in time (statement timeout)",
                        null,
                        e);
            }
            if (isDataException(e)) {
                // SQLSTATE class 22: a value the database cannot hold (PostgreSQL refuses NUL in text, for one).
                throw unholdable();
            }
            throw e;
        }
    }

    private static boolean isDataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /**
     * No stored text can contain NUL (PostgreSQL refuses it) or be longer than its column, so such a key names
     * nothing. The length matters on H2: jOOQ binds the key as {@code cast(? as varchar(n))}, and H2's cast cuts
     * it to the column's length, so that a longer key would find the row named by its first {@code n} characters.
     */
    static boolean unstorable(Field<String> column, String key) {
        return key == null || key.indexOf('\0') >= 0 || tooLong(column, key);
    }

    private static boolean tooLong(Field<String> column, String value) {
        return value.codePointCount(0, value.length()) > column.getDataType().length();
    }

    /**
     * Refuses a value longer than its column before an {@code INSERT ... ON CONFLICT DO NOTHING}: PostgreSQL would
     * refuse it (SQLSTATE 22001), but H2's MERGE casts it to the column's type and so stores it cut short. The
     * refusal is the one {@link #guard} gives for any value the store cannot hold.
     */
    private static void requireStorable(Field<String> column, String value) {
        if (value != null && tooLong(column, value)) {
            throw unholdable();
        }
    }

    private static GatewayException unholdable() {
        return GatewayException.invalidBody("a value contains characters the session store cannot hold", null);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant inst(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static JSONB jsonb(Object value) {
        try {
            return JSONB.valueOf(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON", e);
        }
    }

    private static JsonNode node(JSONB value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    private static List<String> readList(JSONB value) {
        if ("[]".equals(value.data())) {
            return List.of(); // an agent's managers, nearly always: no parser needed
        }
        try {
            return JSON.readValue(value.data(), STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    private static Map<String, String> readMap(JSONB value) {
        try {
            return JSON.readValue(value.data(), STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    // ---- Lifecycle (issue #12, docs/lifecycle.md)

    /**
     * Counter slots per (scope, status): concurrent writers of one tenant mostly lock different rows. A create takes
     * its request thread's slot (CreateStatements), and holds the row until its commit: on PostgreSQL the gateway
     * runs as many request threads as pooled connections (16 in bench/run.sh), and with fewer slots than that the
     * creates of one tenant queue behind each other's commits instead of sharing a WAL flush.
     */
    static final int COUNT_SLOTS = 16;

    private static final Field<Boolean> PINNED = DSL.field(DSL.name("pinned"), SQLDataType.BOOLEAN);

    /** The columns of a locked row that writes decide on. */
    record Locked(
            UUID id,
            UUID tenantId,
            UUID agentId,
            UUID accountId,
            SessionStatus status,
            Instant updatedAt,
            Instant startedAt) {}

    /** Locks the live session row ({@code SELECT ... FOR UPDATE}); empty when absent or deleted. */
    static Optional<Locked> lock(DSLContext tx, UUID id) {
        return lock(tx, id, false);
    }

    /** {@link #lock(DSLContext, UUID)}; with {@code skipLocked}, empty at once when another transaction holds it. */
    static Optional<Locked> lock(DSLContext tx, UUID id, boolean skipLocked) {
        var forUpdate = tx.select(
                        SESSION.ID,
                        SESSION.TENANT_ID,
                        SESSION.AGENT_ID,
                        SESSION.ACCOUNT_ID,
                        SESSION.STATUS,
                        SESSION.UPDATED_AT,
                        SESSION.STARTED_AT)
                .from(SESSION)
                .where(SESSION.ID.eq(id).and(SESSION.DELETED_AT.isNull()))
                .forUpdate();
        return (skipLocked ? forUpdate.skipLocked() : forUpdate)
                .fetchOptional(r -> new Locked(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value4(),
                        SessionStatus.fromDb(r.value5()),
                        inst(r.value6()),
                        inst(r.value7())));
    }

    /** {@code max(now, previous + 1 ms)}: updated_at never stands still or goes back, whatever the clocks. */
    static OffsetDateTime bump(Locked row, Instant now) {
        Instant floor = row.updatedAt().plusMillis(1);
        return odt(now.isBefore(floor) ? floor : now);
    }

    /** A zero counter row for (scope, status, slot) unless one exists; the caller then adds to it. */
    static void insertCounterRow(DSLContext tx, UUID tenantId, UUID scope, SessionStatus status, short slot) {
        insertIgnoringDuplicates(
                tx,
                ctx -> ctx.insertInto(SESSION_COUNT)
                        .set(SESSION_COUNT.TENANT_ID, tenantId)
                        .set(SESSION_COUNT.SCOPE_ID, scope)
                        .set(SESSION_COUNT.STATUS, status.dbValue())
                        .set(SESSION_COUNT.SLOT, slot)
                        .set(SESSION_COUNT.N, 0L)
                        .onConflictDoNothing());
    }

    /**
     * Adds {@code delta} per status to the counters of the tenant, the agent and the account (when there is one), in
     * one order (scope, status) so that concurrent writers never wait on each other in a cycle.
     */
    static void count(DSLContext tx, UUID tenantId, UUID agentId, UUID accountId, Map<SessionStatus, Integer> deltas) {
        List<UUID> scopes = new ArrayList<>(List.of(tenantId, agentId));
        if (accountId != null) {
            scopes.add(accountId);
        }
        scopes.sort(Comparator.naturalOrder());
        List<SessionStatus> statuses = deltas.keySet().stream().sorted().toList();
        short slot = (short) ThreadLocalRandom.current().nextInt(COUNT_SLOTS);
        for (UUID scope : scopes) {
            for (SessionStatus status : statuses) {
                int delta = deltas.get(status);
                if (delta == 0) {
                    continue;
                }
                Condition key = SESSION_COUNT
                        .TENANT_ID
                        .eq(tenantId)
                        .and(SESSION_COUNT.SCOPE_ID.eq(scope))
                        .and(SESSION_COUNT.STATUS.eq(status.dbValue()))
                        .and(SESSION_COUNT.SLOT.eq(slot));
                if (tx.update(SESSION_COUNT)
                                .set(SESSION_COUNT.N, SESSION_COUNT.N.plus(delta))
                                .where(key)
                                .execute()
                        == 0) {
                    insertCounterRow(tx, tenantId, scope, status, slot);
                    tx.update(SESSION_COUNT)
                            .set(SESSION_COUNT.N, SESSION_COUNT.N.plus(delta))
                            .where(key)
                            .execute();
                }
            }
        }
    }

    static void countMove(DSLContext tx, Locked row, SessionStatus to) {
        if (row.status() != to) {
            Map<SessionStatus, Integer> deltas = new EnumMap<>(SessionStatus.class);
            deltas.put(row.status(), -1);
            deltas.put(to, 1);
            count(tx, row.tenantId(), row.agentId(), row.accountId(), deltas);
        }
    }

    /** The subject row's id as a subquery (null when the subject never wrote anything: then it matches nothing). */
    private static Field<UUID> subjectId(UUID tenantId, SubjectRef subject) {
        Condition c = SUBJECT.TENANT_ID.eq(tenantId).and(SUBJECT.SUBJECT_ID.eq(subject.id()));
        if (subject.type() != null) {
            c = c.and(SUBJECT.SUBJECT_TYPE.eq(subject.type()));
        }
        return DSL.field(DSL.select(SUBJECT.ID).from(SUBJECT).where(c));
    }

    /** The list statement {@link #findSessions} runs, with its values bound; for the plan tests. */
    ResultQuery<Record> selectSessions(SessionSelection s) {
        return lists.query(s);
    }

    @Override
    public List<Session> findSessions(SessionSelection selection) {
        return guard(() -> lists.find(selection));
    }

    @Override
    public long countSessions(SessionSelection selection) {
        return guard(() -> lists.count(selection));
    }

    @Override
    public StatusCounts countByStatus(UUID tenantId, UUID scopeId) {
        return guard(() -> lists.countByStatus(tenantId, scopeId));
    }

    @Override
    public Optional<Session> patchSession(UUID id, SessionPatch patch, Instant now) {
        return conversations.write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, id);
            if (locked.isEmpty()) {
                return Optional.<Session>empty();
            }
            Locked row = locked.get();
            OffsetDateTime at = bump(row, now);
            Map<Field<?>, Object> sets = new LinkedHashMap<>();
            if (patch.title() != null) {
                sets.put(SESSION.TITLE, patch.title().value());
            }
            if (patch.tags() != null) {
                sets.put(
                        SESSION.TAGS,
                        patch.tags().value() == null ? null : jsonb(patch.tags().value()));
            }
            if (patch.locale() != null) {
                sets.put(SESSION.LOCALE, patch.locale().value());
            }
            if (patch.variables() != null) {
                sets.put(
                        SESSION.VARIABLES,
                        patch.variables().value() == null
                                ? null
                                : jsonb(patch.variables().value()));
            }
            if (patch.linesAdded() != null) {
                sets.put(SESSION.LINES_ADDED, patch.linesAdded().value());
            }
            if (patch.linesRemoved() != null) {
                sets.put(SESSION.LINES_REMOVED, patch.linesRemoved().value());
            }
            SessionStatus to = row.status();
            boolean lifecycle = false;
            if (patch.status() != null) {
                switch (patch.status()) {
                    case ARCHIVE -> {
                        to = SessionStatus.ARCHIVED;
                        lifecycle = true;
                        sets.put(SESSION.LIFECYCLE_STATE, "archived");
                        sets.put(SESSION.LIFECYCLE_ERROR, null);
                        sets.put(SESSION.LIFECYCLE_RUN_ID, null);
                        sets.put(SESSION.SANDBOX_EXPIRES_AT, null);
                        sets.put(SESSION.HIBERNATE_AFTER, null);
                    }
                    case REOPEN -> {
                        if (row.status() == SessionStatus.ARCHIVED) {
                            to = row.startedAt() != null ? SessionStatus.WAITING : SessionStatus.CREATED;
                            lifecycle = true;
                            sets.put(SESSION.LIFECYCLE_STATE, null);
                            sets.put(SESSION.LIFECYCLE_ERROR, null);
                        } else if (row.status().isFinished()) {
                            to = SessionStatus.WAITING;
                        }
                    }
                    case COMPLETE, FAIL -> {
                        to = patch.status() == StatusWrite.COMPLETE ? SessionStatus.COMPLETED : SessionStatus.FAILED;
                        sets.put(SESSION.FINISHED_AT, DSL.coalesce(SESSION.FINISHED_AT, DSL.val(at)));
                    }
                }
            }
            if (to != row.status()) {
                sets.put(SESSION.STATUS, to.dbValue());
            }
            if (lifecycle) {
                sets.put(SESSION.LIFECYCLE_VERSION, SESSION.LIFECYCLE_VERSION.plus(1));
            }
            if (!sets.isEmpty()) {
                sets.put(SESSION.UPDATED_AT, at);
                tx.update(SESSION).set(sets).where(SESSION.ID.eq(id)).execute();
                countMove(tx, row, to);
                JooqConversations.Log log = conversations.lifecycleLog(tx, id, now, appended);
                List<String> fields = patch.fieldNames();
                if (!fields.isEmpty()) {
                    log.append(EventType.SESSION_UPDATED, null, null, updated(fields));
                }
                if (to != row.status()) {
                    JooqConversations.statusChanged(log, row.status(), to);
                }
            }
            return reread(tx, id);
        });
    }

    @Override
    public Optional<CancelResult> cancelSession(UUID id, Set<SessionStatus> from, Instant now) {
        return conversations.write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, id);
            if (locked.isEmpty()) {
                return Optional.<CancelResult>empty();
            }
            Locked row = locked.get();
            boolean changed = from.contains(row.status());
            if (changed) {
                OffsetDateTime at = bump(row, now);
                tx.update(SESSION)
                        .set(SESSION.STATUS, SessionStatus.CANCELLED.dbValue())
                        .set(SESSION.FINISHED_AT, DSL.coalesce(SESSION.FINISHED_AT, DSL.val(at)))
                        .set(SESSION.UPDATED_AT, at)
                        .where(SESSION.ID.eq(id))
                        .execute();
                countMove(tx, row, SessionStatus.CANCELLED);
                JooqConversations.Log log = conversations.lifecycleLog(tx, id, now, appended);
                // A cancelled session runs nothing: its running and queued turns end with it, in this transaction
                // (their workers learn it on their next write), before the status event that announces it.
                conversations.cancelOpenTurns(tx, log, id, CancelReason.CLIENT_CANCELLED, now);
                JooqConversations.statusChanged(log, row.status(), SessionStatus.CANCELLED);
            }
            return reread(tx, id).map(s -> new CancelResult(s, changed));
        });
    }

    /**
     * The session after a write, read in the write's transaction through the pre-rendered lookup by id (the read
     * path's statement, bound per call): rendering the five-table join with jOOQ per write cost as much as it did on
     * the read path.
     */
    private Optional<Session> reread(DSLContext tx, UUID id) {
        return tx.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(byIdSql)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(session(sessionRows.read(rs))) : Optional.<Session>empty();
                }
            }
        });
    }

    @Override
    public boolean deleteSession(UUID id, Instant now) {
        return conversations.write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, id);
            if (locked.isEmpty()) {
                return false;
            }
            Locked row = locked.get();
            OffsetDateTime at = bump(row, now);
            tx.update(SESSION)
                    .set(SESSION.DELETED_AT, at)
                    .set(SESSION.UPDATED_AT, at)
                    .where(SESSION.ID.eq(id))
                    .execute();
            count(tx, row.tenantId(), row.agentId(), row.accountId(), Map.of(row.status(), -1));
            JooqConversations.Log log = conversations.lifecycleLog(tx, id, now, appended);
            conversations.cancelOpenTurns(tx, log, id, CancelReason.ABANDONED, now);
            log.append(EventType.SESSION_DELETED, null, null, JSON.createObjectNode());
            return true;
        });
    }

    @Override
    public Optional<Session> setPinned(UUID id, SubjectRef subject, boolean pinned, Instant now) {
        return conversations.write((tx, appended) -> {
            Optional<Locked> locked = lock(tx, id);
            if (locked.isEmpty()) {
                return Optional.<Session>empty();
            }
            UUID tenantId = locked.get().tenantId();
            if (pinned != isPinned(tx, id, tenantId, subject)) {
                ObjectNode p = updated(List.of("pinned"));
                p.put("pinned", pinned);
                p.putObject("subject").put("type", subject.type()).put("id", subject.id());
                conversations.lifecycleLog(tx, id, now, appended).append(EventType.SESSION_UPDATED, null, null, p);
            }
            if (pinned) {
                UUID subjectRow = upsertSubject(tx, tenantId, subject, odt(now));
                insertIgnoringDuplicates(
                        tx,
                        ctx -> ctx.insertInto(SESSION_PIN)
                                .set(SESSION_PIN.SESSION_ID, id)
                                .set(SESSION_PIN.SUBJECT_ID, subjectRow)
                                .set(SESSION_PIN.PINNED_AT, odt(now))
                                .onConflictDoNothing());
            } else if (!unstorable(SUBJECT.SUBJECT_ID, subject.id())
                    && !unstorable(SUBJECT.SUBJECT_TYPE, subject.type())) {
                tx.deleteFrom(SESSION_PIN)
                        .where(SESSION_PIN
                                .SESSION_ID
                                .eq(id)
                                .and(SESSION_PIN.SUBJECT_ID.eq(subjectId(tenantId, subject))))
                        .execute();
            }
            return sessions(tx)
                    .where(SESSION.ID.eq(id))
                    .fetchOptional(JooqSessionStore::session)
                    .map(s -> s.toBuilder().pinned(pinned).build());
        });
    }

    private static boolean isPinned(DSLContext tx, UUID id, UUID tenantId, SubjectRef subject) {
        if (unstorable(SUBJECT.SUBJECT_ID, subject.id()) || unstorable(SUBJECT.SUBJECT_TYPE, subject.type())) {
            return false;
        }
        return tx.fetchExists(
                SESSION_PIN,
                SESSION_PIN.SESSION_ID.eq(id).and(SESSION_PIN.SUBJECT_ID.eq(subjectId(tenantId, subject))));
    }

    @Override
    public boolean isPinned(UUID id, SubjectRef subject) {
        if (unstorable(SUBJECT.SUBJECT_ID, subject.id()) || unstorable(SUBJECT.SUBJECT_TYPE, subject.type())) {
            return false;
        }
        return guard(() -> dsl.fetchExists(DSL.selectOne()
                .from(SESSION_PIN)
                .join(SUBJECT)
                .on(SUBJECT.ID.eq(SESSION_PIN.SUBJECT_ID))
                .where(SESSION_PIN
                        .SESSION_ID
                        .eq(id)
                        .and(SUBJECT.SUBJECT_TYPE.eq(subject.type()))
                        .and(SUBJECT.SUBJECT_ID.eq(subject.id())))));
    }

    @Override
    public Optional<Session> forkSession(
            UUID parentId, UUID newId, Agent agent, SubjectRef owner, UUID accountId, ForkRequest fork, Instant now) {
        return guard(() -> dsl.transactionResult(trx -> {
            DSLContext tx = trx.dsl();
            Optional<Session> found = sessions(tx)
                    .where(SESSION.ID.eq(parentId).and(SESSION.DELETED_AT.isNull()))
                    .fetchOptional(JooqSessionStore::session);
            if (found.isEmpty()) {
                return Optional.<Session>empty();
            }
            Session p = found.get();
            OffsetDateTime at = odt(now);
            UUID tenantId = p.scope().tenantId();
            UUID agentId = agent == null ? p.agent().id() : agent.id();
            UUID teamId = agent == null ? p.scope().teamId() : agent.teamId();
            UUID ownerId = upsertSubject(tx, tenantId, owner, at);
            List<String> tags = fork.tags() != null ? fork.tags() : p.tags();
            tx.insertInto(SESSION)
                    .set(SESSION.ID, newId)
                    .set(SESSION.PUBLIC_ID, Ids.sessionPublicId(newId))
                    .set(SESSION.OBJECT_ID, Ids.newObjectId())
                    .set(SESSION.TENANT_ID, tenantId)
                    .set(SESSION.TEAM_ID, teamId)
                    .set(SESSION.AGENT_ID, agentId)
                    .set(SESSION.OWNER_ID, ownerId)
                    .set(SESSION.ACCOUNT_ID, accountId)
                    .set(SESSION.ARTIST_ID, p.artistId())
                    .set(SESSION.MODEL_ID, fork.modelId() != null ? fork.modelId() : p.modelId())
                    .set(SESSION.TITLE, fork.title())
                    .set(SESSION.STATUS, SessionStatus.CREATED.dbValue())
                    .set(SESSION.CREATED_AT, at)
                    .set(SESSION.UPDATED_AT, at)
                    .set(SESSION.SHARING_MODE, p.sharing().mode().dbValue())
                    .set(
                            SESSION.SHARING_PERMISSIONS,
                            p.sharing().permissions().isEmpty()
                                    ? null
                                    : jsonb(p.sharing().permissions()))
                    .set(SESSION.TAGS, tags == null ? null : jsonb(tags))
                    .set(SESSION.CAPABILITIES, p.capabilities() == null ? null : jsonb(p.capabilities()))
                    .set(SESSION.REPO_OWNER, p.repository().owner())
                    .set(SESSION.REPO_NAME, p.repository().name())
                    .set(SESSION.BRANCH, p.repository().branch())
                    .set(SESSION.CLONE_URL, p.repository().cloneUrl())
                    .set(SESSION.IS_NEW_BRANCH, p.repository().newBranch())
                    .set(SESSION.GLOBAL_SKILL_REFS, p.globalSkillRefs() == null ? null : jsonb(p.globalSkillRefs()))
                    .set(SESSION.EXTRA, p.extra() == null ? null : jsonb(p.extra()))
                    .set(SESSION.LOCALE, fork.locale() != null ? fork.locale() : p.locale())
                    .set(SESSION.VARIABLES, p.variables() == null ? null : jsonb(p.variables()))
                    .set(SESSION.FORKED_FROM_ID, parentId)
                    .execute();
            count(tx, tenantId, agentId, accountId, Map.of(SessionStatus.CREATED, 1));
            return sessions(tx).where(SESSION.ID.eq(newId)).fetchOptional(JooqSessionStore::session);
        }));
    }
    // ---- Conversations (JooqConversations)

    @Override
    public void onAppended(BiConsumer<UUID, Long> listener) {
        conversations.onAppended(listener);
    }

    @Override
    public Optional<Posted> postMessage(
            UUID sessionId,
            NewMessage message,
            String responder,
            Instant now,
            Predicate<SessionStatus> open,
            Supplier<? extends RuntimeException> closed) {
        return conversations.postMessage(sessionId, message, responder, now, open, closed);
    }

    @Override
    public List<Message> listMessages(UUID sessionId, long afterSeq, Long beforeSeq, int limit, boolean descending) {
        return conversations.listMessages(sessionId, afterSeq, beforeSeq, limit, descending);
    }

    @Override
    public Optional<Message> findMessageByObjectId(String objectId) {
        return conversations.findMessageByObjectId(objectId);
    }

    @Override
    public List<Turn> listTurns(UUID sessionId, Integer beforeNumber, int limit) {
        return conversations.listTurns(sessionId, beforeNumber, limit);
    }

    @Override
    public Optional<Turn> findTurn(UUID turnId) {
        return conversations.findTurn(turnId);
    }

    @Override
    public List<Event> listEvents(UUID sessionId, EventQuery query) {
        return conversations.listEvents(sessionId, query);
    }

    @Override
    public long countEvents(UUID sessionId, EventQuery query) {
        return conversations.countEvents(sessionId, query);
    }

    @Override
    public Optional<Event> findEvent(UUID eventId) {
        return conversations.findEvent(eventId);
    }

    @Override
    public Optional<Long> lastSeq(UUID sessionId) {
        return conversations.lastSeq(sessionId);
    }

    @Override
    public Optional<Turn> cancelTurn(UUID turnId, CancelReason reason, Instant now) {
        return conversations.cancelTurn(turnId, reason, now);
    }

    @Override
    public List<ClaimedTurn> claimTurns(
            Set<String> responders, String tenantName, String worker, Duration lease, int max, Instant now) {
        return conversations.claimTurns(responders, tenantName, worker, lease, max, now);
    }

    @Override
    public Optional<String> tenantOfTurn(UUID turnId) {
        return conversations.tenantOfTurn(turnId);
    }

    @Override
    public Event appendOutput(UUID turnId, String worker, int step, Output output, Instant now) {
        return conversations.appendOutput(turnId, worker, step, output, now);
    }

    @Override
    public Turn extendLease(UUID turnId, String worker, Duration lease, Instant now) {
        return conversations.extendLease(turnId, worker, lease, now);
    }

    @Override
    public Turn finishTurn(UUID turnId, String worker, String error, Instant now) {
        return conversations.finishTurn(turnId, worker, error, now);
    }

    @Override
    public int sweepLapsedLeases(int maxClaims, Instant now) {
        return conversations.sweepLapsedLeases(maxClaims, now);
    }

    /** A JSON object {"fields": [...]} for session.updated. */
    private static ObjectNode updated(List<String> fields) {
        ObjectNode p = JSON.createObjectNode();
        fields.forEach(p.putArray("fields")::add);
        return p;
    }

    @Override
    public Optional<Chat> createChat(UUID sessionId, UUID chatId, String title, String modelId, Instant createdAt) {
        return conversations.createChat(sessionId, chatId, title, modelId, createdAt);
    }

    @Override
    public Optional<Chat> findChat(UUID chatId) {
        return conversations.findChat(chatId);
    }

    @Override
    public List<Chat> listChats(UUID sessionId) {
        return conversations.listChats(sessionId);
    }

    @Override
    public Optional<Chat> updateChat(UUID chatId, String title, String modelId, Instant now) {
        return conversations.updateChat(chatId, title, modelId, now);
    }

    @Override
    public boolean deleteChat(UUID chatId, Instant now) {
        return conversations.deleteChat(chatId, now);
    }

    @Override
    public void markChatRead(UUID chatId, UUID accountId, Instant now) {
        conversations.markChatRead(chatId, accountId, now);
    }

    @Override
    public Map<UUID, Instant> chatReads(UUID sessionId, UUID accountId) {
        return conversations.chatReads(sessionId, accountId);
    }

    @Override
    public Map<UUID, Instant> lastAgentMessages(UUID sessionId) {
        return conversations.lastAgentMessages(sessionId);
    }

    @Override
    public List<Message> listChatMessages(UUID sessionId, UUID chatId, int limit) {
        return conversations.listChatMessages(sessionId, chatId, limit);
    }
}
