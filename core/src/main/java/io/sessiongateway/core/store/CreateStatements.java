package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.jooq.Tables.AGENT;
import static io.sessiongateway.core.store.jooq.Tables.SESSION;
import static io.sessiongateway.core.store.jooq.Tables.SESSION_COUNT;
import static io.sessiongateway.core.store.jooq.Tables.SUBJECT;
import static io.sessiongateway.core.store.jooq.Tables.TEAM;
import static io.sessiongateway.core.store.jooq.Tables.TENANT;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectOnConditionStep;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The statements of a session create and of the lookups before it, rendered once by jOOQ when the store is built and
 * run as plain JDBC prepared statements that are only bound per request (as the session lookups of a read are).
 * Rendering them per request, and the subject upsert's three statements in a savepoint, were most of a create's CPU
 * time (bench/results/profile-2026-12-05.md, p15-create). A constant SQL string also lets H2 reuse its parsed and
 * planned command from the connection's query cache, and pgjdbc its server-side prepared statement.
 *
 * <p>Every parameter takes its column's type, so each statement is exactly what jOOQ rendered per request before
 * (on H2 {@code cast(? as varchar(n))}, on PostgreSQL {@code cast(? as jsonb)}); {@link #bind} binds JSONB as jOOQ
 * does, everything else with {@link PreparedStatement#setObject}. A JDBC failure becomes jOOQ's
 * {@link DataAccessException} with the {@link SQLException} as its cause, as jOOQ's own execution would, so that
 * the store's guard classifies it the same way.
 */
final class CreateStatements {
    private final DSLContext dsl;
    /** H2 reads a JSON parameter given as text as a JSON string; given as its UTF-8 bytes it parses it. */
    private final boolean jsonAsBytes;

    private final Field<?>[] agentFields;
    private final Field<?>[] teamFields;
    private final Field<?>[] sessionFields;
    private final String tenantByName;
    private final String agentByName;
    private final String agentById;
    private final String agentByObjectId;
    private final String teamByObjectId;
    private final String subjectByIdentity;
    private final String subjectSlugUpdate;
    private final String sessionInsert;
    private final String countAdd;
    /** PostgreSQL: the counters of two and of three scopes as one upsert each (index 2, 3); null on H2. */
    private final String[] countUpsert;

    private final String sessionById;
    /** PostgreSQL: {@link #sessionInsert} and {@link #sessionById} in one statement; null on H2. */
    private final String sessionInsertRead;

    /** Hands the threads that create sessions the counter slots in turn. */
    private static final AtomicInteger NEXT_SLOT = new AtomicInteger();

    /** The counter slot of this thread's creates (see {@link #countCreated}). */
    private static final ThreadLocal<Short> SLOT = ThreadLocal.withInitial(
            () -> (short) Math.floorMod(NEXT_SLOT.getAndIncrement(), JooqSessionStore.COUNT_SLOTS));

    /** The columns a create writes, in the order of {@link #sessionInsert}'s parameters. */
    private static final List<Field<?>> INSERTED = List.of(
            SESSION.ID,
            SESSION.PUBLIC_ID,
            SESSION.OBJECT_ID,
            SESSION.TENANT_ID,
            SESSION.TEAM_ID,
            SESSION.AGENT_ID,
            SESSION.OWNER_ID,
            SESSION.ACCOUNT_ID,
            SESSION.ARTIST_ID,
            SESSION.MODEL_ID,
            SESSION.TITLE,
            SESSION.STATUS,
            SESSION.CREATED_AT,
            SESSION.UPDATED_AT,
            SESSION.SHARING_MODE,
            SESSION.TAGS,
            SESSION.CAPABILITIES,
            SESSION.REPO_OWNER,
            SESSION.REPO_NAME,
            SESSION.BRANCH,
            SESSION.CLONE_URL,
            SESSION.IS_NEW_BRANCH,
            SESSION.LIFECYCLE_STATE,
            SESSION.SANDBOX_STATE,
            SESSION.GLOBAL_SKILL_REFS,
            SESSION.LINES_ADDED,
            SESSION.LINES_REMOVED,
            SESSION.EXTRA);

    /**
     * @param agents a fresh select of the agent columns the store maps (its {@code agents()}), per call
     * @param sessions a fresh select of the session columns the store maps (its {@code sessions(dsl)}), per call
     */
    CreateStatements(
            DSLContext dsl,
            Supplier<SelectOnConditionStep<Record>> agents,
            Supplier<SelectOnConditionStep<Record>> sessions) {
        this.dsl = dsl;
        this.jsonAsBytes = dsl.dialect().family() == SQLDialect.H2;
        this.agentFields = agents.get().getSelect().toArray(Field<?>[]::new);
        this.sessionFields = sessions.get().getSelect().toArray(Field<?>[]::new);
        this.tenantByName = dsl.render(
                dsl.select(TENANT.ID, TENANT.NAME, TENANT.OBJECT_ID, TENANT.CREATED_AT, TEAM.ID, TEAM.OBJECT_ID)
                        .from(TENANT)
                        .join(TEAM)
                        .on(TEAM.TENANT_ID.eq(TENANT.ID).and(TEAM.IS_DEFAULT.isTrue()))
                        .where(TENANT.NAME.eq(DSL.param("name", TENANT.NAME))));
        this.agentByName = dsl.render(agents.get()
                .where(AGENT.TENANT_ID.eq(DSL.param("tenant", AGENT.TENANT_ID)))
                .and(AGENT.NAME.eq(DSL.param("name", AGENT.NAME))));
        this.agentById = dsl.render(agents.get().where(AGENT.ID.eq(DSL.param("id", AGENT.ID))));
        this.agentByObjectId =
                dsl.render(agents.get().where(AGENT.OBJECT_ID.eq(DSL.param("objectId", AGENT.OBJECT_ID))));
        Select<?> team = dsl.selectFrom(TEAM).where(TEAM.OBJECT_ID.eq(DSL.param("objectId", TEAM.OBJECT_ID)));
        this.teamFields = team.getSelect().toArray(Field<?>[]::new);
        this.teamByObjectId = dsl.render(team);
        this.subjectByIdentity = dsl.render(dsl.select(SUBJECT.ID, SUBJECT.SUBJECT_SLUG)
                .from(SUBJECT)
                .where(SUBJECT.TENANT_ID.eq(DSL.param("tenant", SUBJECT.TENANT_ID)))
                .and(SUBJECT.SUBJECT_TYPE.eq(DSL.param("type", SUBJECT.SUBJECT_TYPE)))
                .and(SUBJECT.SUBJECT_ID.eq(DSL.param("id", SUBJECT.SUBJECT_ID))));
        this.subjectSlugUpdate = dsl.render(dsl.update(SUBJECT)
                .set(SUBJECT.SUBJECT_SLUG, DSL.param("slug", SUBJECT.SUBJECT_SLUG))
                .set(SUBJECT.UPDATED_AT, DSL.param("at", SUBJECT.UPDATED_AT))
                .where(SUBJECT.ID.eq(DSL.param("id", SUBJECT.ID))));
        List<Field<?>> values = new ArrayList<>();
        for (Field<?> column : INSERTED) {
            values.add(DSL.param(column.getName(), column.getDataType()));
        }
        this.sessionInsert =
                dsl.render(dsl.insertInto(SESSION).columns(INSERTED).values(values));
        this.countAdd = dsl.render(dsl.update(SESSION_COUNT)
                .set(SESSION_COUNT.N, SESSION_COUNT.N.plus(DSL.param("delta", SESSION_COUNT.N)))
                .where(SESSION_COUNT.TENANT_ID.eq(DSL.param("tenant", SESSION_COUNT.TENANT_ID)))
                .and(SESSION_COUNT.SCOPE_ID.eq(DSL.param("scope", SESSION_COUNT.SCOPE_ID)))
                .and(SESSION_COUNT.STATUS.eq(DSL.param("status", SESSION_COUNT.STATUS)))
                .and(SESSION_COUNT.SLOT.eq(DSL.param("slot", SESSION_COUNT.SLOT))));
        this.sessionById = dsl.render(sessions.get().where(SESSION.ID.eq(DSL.param("id", SESSION.ID))));
        // PostgreSQL: the row as inserted (RETURNING: its defaults, and JSONB as stored, in PostgreSQL's key order),
        // joined to the names in the same statement, in the same transaction as a re-read would: one round trip
        // instead of two. The CTE is named as the table, so the re-read's select reads the new row from it as is.
        this.sessionInsertRead = dsl.dialect().family() == SQLDialect.POSTGRES
                ? "with \"session\" as ("
                        + dsl.render(dsl.insertInto(SESSION)
                                .columns(INSERTED)
                                .values(values)
                                .returning(SESSION.fields()))
                        + ") " + dsl.render(sessions.get())
                : null;
        this.countUpsert = dsl.dialect().family() == SQLDialect.POSTGRES
                ? new String[] {null, null, countUpsert(dsl, 2), countUpsert(dsl, 3)}
                : null;
    }

    /**
     * {@code INSERT INTO session_count ... VALUES (scope 1), ..., (scope n) ON CONFLICT (its key) DO UPDATE SET n = n +
     * excluded.n}: PostgreSQL inserts or locks and updates the rows in the order of the VALUES list, so with the
     * scopes sorted it takes the counter rows' locks in the order {@link JooqSessionStore#count} takes them, and a
     * row missing yet is inserted atomically (no separate insert, no race).
     */
    private static String countUpsert(DSLContext dsl, int scopes) {
        var insert = dsl.insertInto(
                SESSION_COUNT,
                SESSION_COUNT.TENANT_ID,
                SESSION_COUNT.SCOPE_ID,
                SESSION_COUNT.STATUS,
                SESSION_COUNT.SLOT,
                SESSION_COUNT.N);
        var values = insert.values(
                DSL.param("tenant", SESSION_COUNT.TENANT_ID),
                DSL.param("scope", SESSION_COUNT.SCOPE_ID),
                DSL.param("status", SESSION_COUNT.STATUS),
                DSL.param("slot", SESSION_COUNT.SLOT),
                DSL.param("delta", SESSION_COUNT.N));
        for (int i = 1; i < scopes; i++) {
            values = values.values(
                    DSL.param("tenant", SESSION_COUNT.TENANT_ID),
                    DSL.param("scope", SESSION_COUNT.SCOPE_ID),
                    DSL.param("status", SESSION_COUNT.STATUS),
                    DSL.param("slot", SESSION_COUNT.SLOT),
                    DSL.param("delta", SESSION_COUNT.N));
        }
        return dsl.render(values.onConflict(
                        SESSION_COUNT.TENANT_ID, SESSION_COUNT.SCOPE_ID, SESSION_COUNT.STATUS, SESSION_COUNT.SLOT)
                .doUpdate()
                .set(SESSION_COUNT.N, SESSION_COUNT.N.plus(DSL.excluded(SESSION_COUNT.N))));
    }

    /** The tenant by name, with its default team (the caller checked that the name is storable). */
    Optional<Tenant> tenant(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(tenantByName)) {
            bind(ps, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Tenant(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(5, UUID.class),
                        rs.getString(6),
                        rs.getObject(4, OffsetDateTime.class).toInstant()));
            }
        }
    }

    Optional<Agent> agentByName(Connection c, UUID tenantId, String name, Function<Record, Agent> map)
            throws SQLException {
        return one(c, agentByName, agentFields, map, tenantId, name);
    }

    Optional<Agent> agentById(Connection c, UUID id, Function<Record, Agent> map) throws SQLException {
        return one(c, agentById, agentFields, map, id);
    }

    Optional<Agent> agentByObjectId(Connection c, String objectId, Function<Record, Agent> map) throws SQLException {
        return one(c, agentByObjectId, agentFields, map, objectId);
    }

    <T> Optional<T> teamByObjectId(Connection c, String objectId, Function<Record, T> map) throws SQLException {
        return one(c, teamByObjectId, teamFields, map, objectId);
    }

    /**
     * Inserts the session, its owner's subject row when it has none yet, and its counters, on the transaction's
     * connection; returns the session as stored (read back: database defaults, and the joined names).
     */
    Session insert(
            DSLContext tx,
            Connection c,
            UUID id,
            String publicId,
            Agent agent,
            SubjectRef owner,
            UUID accountId,
            NewSession request,
            SessionStatus status,
            OffsetDateTime at,
            Function<Object, JSONB> json,
            Function<Record, Session> map)
            throws SQLException {
        UUID ownerId = ownerId(tx, c, agent.tenantId(), owner, at);
        Session.Repository repo = request.repository() == null ? Session.Repository.NONE : request.repository();
        SharingMode sharing = request.sharingMode() == null ? SharingMode.TEAM : request.sharingMode();
        Session created = null;
        try (PreparedStatement ps = c.prepareStatement(sessionInsertRead != null ? sessionInsertRead : sessionInsert)) {
            bind(
                    ps,
                    id,
                    publicId,
                    Ids.newObjectId(),
                    agent.tenantId(),
                    agent.teamId(),
                    agent.id(),
                    ownerId,
                    accountId,
                    request.artistId(),
                    request.modelId(),
                    request.title(),
                    status.dbValue(),
                    at,
                    at,
                    sharing.dbValue(),
                    request.tags() == null ? null : json.apply(request.tags()),
                    request.capabilities() == null ? null : json.apply(request.capabilities()),
                    repo.owner(),
                    repo.name(),
                    repo.branch(),
                    repo.cloneUrl(),
                    repo.newBranch(),
                    request.lifecycleState(),
                    request.sandboxState() == null ? null : json.apply(request.sandboxState()),
                    request.globalSkillRefs() == null ? null : json.apply(request.globalSkillRefs()),
                    request.linesAdded(),
                    request.linesRemoved(),
                    request.extra() == null ? null : json.apply(request.extra()));
            if (sessionInsertRead != null) {
                try (ResultSet rs = ps.executeQuery()) {
                    created = map.apply(dsl.fetch(rs, sessionFields).get(0));
                }
            } else {
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new GatewayException(
                        ErrorKind.CONFLICT,
                        "session_exists",
                        "a session with id '" + publicId + "' already exists",
                        "id",
                        new DataAccessException("SQL [" + sessionInsert + "]; " + e.getMessage(), e));
            }
            throw e;
        }
        if (created == null) {
            created = one(c, sessionById, sessionFields, map, id).orElseThrow();
        }
        // The counters last: their rows are shared by every create of the tenant (a few slots), and each stays
        // locked from its update until the commit, so the less work after it, the sooner the next create gets it.
        countCreated(tx, c, agent.tenantId(), agent.id(), accountId, status);
        return created;
    }

    /**
     * The owner's subject row: one indexed read when it exists and its slug is unchanged (nearly every create),
     * an update of the slug when the token names a new one, and the store's full upsert
     * ({@link JooqSessionStore#upsertSubject}) for a subject's first write (or a value the store cannot hold, which
     * it refuses).
     */
    private UUID ownerId(DSLContext tx, Connection c, UUID tenantId, SubjectRef subject, OffsetDateTime at)
            throws SQLException {
        if (JooqSessionStore.unstorable(SUBJECT.SUBJECT_TYPE, subject.type())
                || JooqSessionStore.unstorable(SUBJECT.SUBJECT_ID, subject.id())
                || (subject.slug() != null && JooqSessionStore.unstorable(SUBJECT.SUBJECT_SLUG, subject.slug()))) {
            return JooqSessionStore.upsertSubject(tx, tenantId, subject, at);
        }
        UUID id = null;
        String slug = null;
        try (PreparedStatement ps = c.prepareStatement(subjectByIdentity)) {
            bind(ps, tenantId, subject.type(), subject.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getObject(1, UUID.class);
                    slug = rs.getString(2);
                }
            }
        }
        if (id == null) {
            return JooqSessionStore.upsertSubject(tx, tenantId, subject, at);
        }
        if (!Objects.equals(slug, subject.slug())) {
            // The slug is the token's latest word on the subject's display name.
            try (PreparedStatement ps = c.prepareStatement(subjectSlugUpdate)) {
                bind(ps, subject.slug(), at, id);
                ps.executeUpdate();
            }
        }
        return id;
    }

    /**
     * {@link JooqSessionStore#count} for one new session: +1 on the status's counter of the tenant, the agent and
     * the account, in the same order (scope, then status) and with one slot for all three, so that it never waits
     * on another writer in a cycle; a counter row missing yet is inserted as that method does (on PostgreSQL all
     * three in one upsert, {@link #countUpsert(DSLContext, int)}). The slot is the
     * request thread's ({@link #SLOT}), not a random one: a counter row stays locked until its transaction commits,
     * and the few worker threads creating at once then each hold their own row instead of queueing behind a
     * commit on a slot they drew alike (four threads drawing among four slots collide nine times in ten).
     */
    private void countCreated(
            DSLContext tx, Connection c, UUID tenantId, UUID agentId, UUID accountId, SessionStatus status)
            throws SQLException {
        List<UUID> scopes = new ArrayList<>(List.of(tenantId, agentId));
        if (accountId != null) {
            scopes.add(accountId);
        }
        scopes.sort(Comparator.naturalOrder());
        short slot = SLOT.get();
        if (countUpsert != null && scopes.stream().distinct().count() == scopes.size()) {
            // PostgreSQL: one statement, one round trip, instead of one per scope (a round trip that a counter row
            // stays locked for); the same rows, the same order, the same sums.
            Object[] values = new Object[5 * scopes.size()];
            for (int i = 0; i < scopes.size(); i++) {
                values[5 * i] = tenantId;
                values[5 * i + 1] = scopes.get(i);
                values[5 * i + 2] = status.dbValue();
                values[5 * i + 3] = slot;
                values[5 * i + 4] = 1L;
            }
            try (PreparedStatement ps = c.prepareStatement(countUpsert[scopes.size()])) {
                bind(ps, values);
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(countAdd)) {
            for (UUID scope : scopes) {
                bind(ps, 1L, tenantId, scope, status.dbValue(), slot);
                if (ps.executeUpdate() == 0) {
                    JooqSessionStore.insertCounterRow(tx, tenantId, scope, status, slot);
                    ps.executeUpdate();
                }
            }
        }
    }

    private <T> Optional<T> one(Connection c, String sql, Field<?>[] fields, Function<Record, T> map, Object... values)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                Result<Record> rows = dsl.fetch(rs, fields);
                return rows.isEmpty() ? Optional.empty() : Optional.of(map.apply(rows.get(0)));
            }
        }
    }

    /**
     * Binds in order: JSONB as jOOQ binds it (PostgreSQL: its text, which the statement casts; H2: its UTF-8 bytes),
     * everything else as itself.
     */
    private void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof JSONB j) {
                if (jsonAsBytes) {
                    ps.setBytes(i + 1, j.data().getBytes(StandardCharsets.UTF_8));
                } else {
                    ps.setString(i + 1, j.data());
                }
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    /** Runs {@code op} on a connection of {@code source}, as a failed jOOQ execution would report a JDBC failure. */
    static <T> T withConnection(DataSource source, SqlFunction<T> op) {
        try (Connection c = source.getConnection()) {
            return op.apply(c);
        } catch (SQLException e) {
            throw new DataAccessException("SQL failed; " + e.getMessage(), e);
        }
    }

    /** A JDBC step. */
    @FunctionalInterface
    interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }
}
