package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.JooqSessionStore.odt;
import static io.sessiongateway.core.store.JooqSessionStore.unstorable;
import static io.sessiongateway.core.store.jooq.Tables.SESSION;
import static io.sessiongateway.core.store.jooq.Tables.SESSION_COUNT;
import static io.sessiongateway.core.store.jooq.Tables.SESSION_PIN;
import static io.sessiongateway.core.store.jooq.Tables.SUBJECT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Record3;
import org.jooq.ResultQuery;
import org.jooq.Select;
import org.jooq.SelectJoinStep;
import org.jooq.SelectLimitStep;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The list statement of {@link SessionStore#findSessions} (and its count), rendered by jOOQ once per <em>shape</em>
 * (which conditions, order, position and paging a selection has, not their values) and run as a JDBC prepared
 * statement that is only bound per request; rows are read with {@link SessionRow.Reader}, as the lookups of a GET
 * are. Rendering the statement per request and reading it through jOOQ's cursor were about a quarter of a
 * TrueFoundry page's CPU time (bench/results/profile-2026-12-05.md, p15-lifecycle and q15-list).
 *
 * <p>Every value is a named parameter ({@code :gw_...}); {@link #values} gives each name its value for a selection.
 * The statement is exactly what jOOQ rendered per request before (the same conditions, casts and ORDER BY, hence
 * the same plans: {@code ListPlanContract}); rendering a shape checks that its named and indexed renderings agree
 * and that {@link #values} binds exactly the names the statement has, so a mismatch fails on the first list of
 * that shape, not silently.
 */
final class ListStatements {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMED = Pattern.compile(":(gw_[a-z0-9_]+)");
    /** Shapes kept at most; a list of a shape beyond them is rendered per request (IN-lists make shapes many). */
    private static final int MAX_SHAPES = 512;

    static final Field<Boolean> PINNED = DSL.field(DSL.name("pinned"), SQLDataType.BOOLEAN);

    /** Later than any session's {@code created_at}: the bound of {@link #indexRange} (both databases store it). */
    private static final OffsetDateTime CREATED_MAX = OffsetDateTime.parse("9999-12-31T00:00:00Z");

    /** How a subject condition renders: not at all, as nothing (a key no row can hold), by id and type, by id. */
    enum SubjectKind {
        NONE,
        UNSTORABLE,
        TYPED,
        ANY_TYPE;

        static SubjectKind of(SubjectRef subject) {
            if (subject == null) {
                return NONE;
            }
            if (unstorable(SUBJECT.SUBJECT_ID, subject.id())
                    || (subject.type() != null && unstorable(SUBJECT.SUBJECT_TYPE, subject.type()))) {
                return UNSTORABLE;
            }
            return subject.type() != null ? TYPED : ANY_TYPE;
        }
    }

    enum VisibilityKind {
        ALL,
        OWNER_OR_AGENTS,
        SHARED_WITH
    }

    /**
     * What the SQL of a selection depends on. {@code agents}: -1 for any agent, else how many; {@code visibilityN}:
     * the agents of an owner-or-agents visibility, or the grantees of a shared-with one.
     */
    record Shape(
            boolean team,
            int agents,
            boolean account,
            SubjectKind owner,
            int statuses,
            boolean title,
            boolean from,
            boolean to,
            VisibilityKind visibility,
            int visibilityN,
            SubjectKind visibilitySubject,
            SessionQuery.Order order,
            boolean after,
            boolean offset,
            boolean pin) {

        static Shape of(SessionSelection s) {
            VisibilityKind kind = VisibilityKind.ALL;
            int n = 0;
            SubjectKind subject = SubjectKind.NONE;
            if (s.visibility() instanceof SessionSelection.Visibility.OwnerOrAgents either) {
                kind = VisibilityKind.OWNER_OR_AGENTS;
                n = either.agents().size();
                subject = SubjectKind.of(either.owner());
            } else if (s.visibility() instanceof SessionSelection.Visibility.SharedWith shared) {
                kind = VisibilityKind.SHARED_WITH;
                n = shared.grantees().size();
                subject = SubjectKind.of(shared.caller());
            }
            SubjectRef pin = s.pinnedFor();
            boolean pinned = pin != null
                    && !unstorable(SUBJECT.SUBJECT_ID, pin.id())
                    && !unstorable(SUBJECT.SUBJECT_TYPE, pin.type());
            return new Shape(
                    s.teamId() != null,
                    s.agentIds() == null ? -1 : s.agentIds().size(),
                    s.accountId() != null,
                    SubjectKind.of(s.owner()),
                    s.statuses().size(),
                    s.titleContains() != null,
                    s.createdFrom() != null,
                    s.createdTo() != null,
                    kind,
                    n,
                    subject,
                    s.order(),
                    s.after() != null,
                    s.offset() != 0,
                    pinned);
        }
    }

    /** A shape's statement: its SQL with {@code ?} and the parameter name of each {@code ?}, in order. */
    private record Rendered(String sql, String[] names) {}

    private final DSLContext dsl;
    private final DataSource dataSource;
    /** Reads a list row: the session lookup's columns, then {@link #PINNED}. */
    private final SessionRow.Reader rows;

    private final Map<Shape, Rendered> lists = new ConcurrentHashMap<>();
    private final Map<Shape, Rendered> counts = new ConcurrentHashMap<>();
    private final String countByStatusSql;

    ListStatements(DSLContext dsl, DataSource dataSource) {
        this.dsl = dsl;
        this.dataSource = dataSource;
        this.rows = new SessionRow.Reader(rowFields());
        this.countByStatusSql = dsl.render(dsl.select(SESSION_COUNT.STATUS, DSL.sum(SESSION_COUNT.N))
                .from(SESSION_COUNT)
                .where(SESSION_COUNT
                        .TENANT_ID
                        .eq(DSL.param("t", SESSION_COUNT.TENANT_ID))
                        .and(SESSION_COUNT.SCOPE_ID.eq(DSL.param("s", SESSION_COUNT.SCOPE_ID))))
                .groupBy(SESSION_COUNT.STATUS));
    }

    /** The page: the selected sessions in order, each with the selection's subject's pin. */
    List<Session> find(SessionSelection s) {
        Shape shape = Shape.of(s);
        Rendered r = rendered(lists, shape, s, false);
        Map<String, Object> values = values(shape, s, true);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(r.sql())) {
            bind(ps, r, values);
            try (ResultSet rs = ps.executeQuery()) {
                List<Session> page = new ArrayList<>(s.limit());
                int pinned = rows.columns();
                while (rs.next()) {
                    boolean pin = rs.getBoolean(pinned);
                    page.add(JooqSessionStore.builder(rows.read(rs)).pinned(pin).build());
                }
                return page;
            }
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + r.sql() + "]; " + e.getMessage(), e);
        }
    }

    /** How many sessions the selection has (its order, position, paging and pin aside). */
    long count(SessionSelection s) {
        Shape shape = countShape(Shape.of(s));
        Rendered r = rendered(counts, shape, s, true);
        Map<String, Object> values = values(shape, s, false);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(r.sql())) {
            bind(ps, r, values);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + r.sql() + "]; " + e.getMessage(), e);
        }
    }

    /** The counters of one scope (tenant, agent or account) per status, summed over their slots. */
    StatusCounts countByStatus(UUID tenantId, UUID scopeId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(countByStatusSql)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, scopeId);
            Map<SessionStatus, Long> n = new EnumMap<>(SessionStatus.class);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n.put(SessionStatus.fromDb(rs.getString(1)), rs.getLong(2));
                }
            }
            return new StatusCounts(n);
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + countByStatusSql + "]; " + e.getMessage(), e);
        }
    }

    /** The list statement of the selection with its values bound, as jOOQ would run it (the plan tests). */
    ResultQuery<Record> query(SessionSelection s) {
        Shape shape = Shape.of(s);
        ResultQuery<Record> q = list(shape);
        values(shape, s, true).forEach(q::bind);
        return q;
    }

    /** A count depends on neither order, position, paging nor pin. */
    private static Shape countShape(Shape s) {
        return new Shape(
                s.team(),
                s.agents(),
                s.account(),
                s.owner(),
                s.statuses(),
                s.title(),
                s.from(),
                s.to(),
                s.visibility(),
                s.visibilityN(),
                s.visibilitySubject(),
                SessionQuery.Order.CREATED_DESC,
                false,
                false,
                false);
    }

    private static void bind(PreparedStatement ps, Rendered r, Map<String, Object> values) throws SQLException {
        String[] names = r.names();
        for (int i = 0; i < names.length; i++) {
            ps.setObject(i + 1, values.get(names[i]));
        }
    }

    private Rendered rendered(Map<Shape, Rendered> cache, Shape shape, SessionSelection s, boolean count) {
        Rendered r = cache.get(shape);
        if (r == null) {
            r = render(
                    count ? count(shape) : list(shape), values(shape, s, !count).keySet());
            if (cache.size() < MAX_SHAPES) {
                cache.putIfAbsent(shape, r);
            }
        }
        return r;
    }

    /**
     * The statement with {@code ?} and the name of each, from jOOQ's named rendering; refuses a statement whose
     * indexed rendering differs (a parameter that is not one of ours) or whose names are not exactly those bound.
     */
    private Rendered render(Query q, Set<String> bound) {
        String named = dsl.renderNamedParams(q);
        String indexed = dsl.render(q);
        List<String> names = new ArrayList<>();
        Matcher m = NAMED.matcher(named);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            names.add(m.group(1));
            m.appendReplacement(sql, "?");
        }
        m.appendTail(sql);
        if (!sql.toString().equals(indexed) || !new HashSet<>(names).equals(bound)) {
            throw new IllegalStateException("list statement and its parameters disagree: " + named + " binds " + bound);
        }
        return new Rendered(indexed, names.toArray(String[]::new));
    }

    // ---- the values of a selection, by parameter name (the names the statement below uses)

    /**
     * The value of each parameter of the shape's statement: its WHERE, then (a page) its position, paging and pin.
     */
    static Map<String, Object> values(Shape shape, SessionSelection s, boolean page) {
        Map<String, Object> v = new HashMap<>();
        v.put("gw_tenant", s.tenantId());
        if (shape.team()) {
            v.put("gw_team", s.teamId());
        }
        if (shape.agents() == 1) {
            v.put("gw_agent", s.agentIds().iterator().next());
        } else if (shape.agents() > 1) {
            putAll(v, "gw_agent_", sorted(s.agentIds()));
        }
        if (shape.account()) {
            v.put("gw_account", s.accountId());
        }
        subject(v, "gw_owner", shape.owner(), s.owner());
        if (shape.statuses() > 0) {
            putAll(
                    v,
                    "gw_status_",
                    s.statuses().stream().map(SessionStatus::dbValue).sorted().toList());
        }
        if (shape.title()) {
            v.put("gw_title", "%" + likeEscaped(s.titleContains().toLowerCase(Locale.ROOT)) + "%");
        }
        if (shape.from()) {
            v.put("gw_created_from", odt(s.createdFrom()));
        }
        if (shape.to()) {
            v.put("gw_created_to", odt(s.createdTo()));
        }
        if (s.visibility() instanceof SessionSelection.Visibility.SharedWith shared) {
            v.put("gw_restricted", SharingMode.RESTRICTED.dbValue());
            if (shape.visibilityN() > 0) {
                v.put("gw_zero", 0);
            }
            subject(v, "gw_caller", shape.visibilitySubject(), shared.caller());
            putAll(
                    v,
                    "gw_grantee_",
                    shared.grantees().stream()
                            .sorted()
                            .map(g -> jsonText(g) + ":")
                            .toList());
        }
        if (s.visibility() instanceof SessionSelection.Visibility.OwnerOrAgents either) {
            putAll(v, "gw_branch_agent_", sorted(either.agents()));
            subject(v, "gw_either", shape.visibilitySubject(), either.owner());
            if (page) {
                v.put("gw_cut", s.offset() + s.limit());
            }
        }
        if (!page) {
            return v;
        }
        SessionQuery.Position after = s.after();
        if (after != null) {
            if (s.order().byObjectId()) {
                v.put("gw_after_object", after.objectId());
            } else {
                v.put("gw_after_created", odt(after.createdAt()));
                v.put("gw_after_id", after.id());
            }
        } else if (s.order().byObjectId()) {
            v.put("gw_empty", "");
        } else if (!shape.from() && !shape.to()) {
            v.put("gw_created_max", CREATED_MAX);
        }
        v.put("gw_limit", s.limit());
        if (shape.offset()) {
            v.put("gw_offset", s.offset());
        }
        if (shape.pin()) {
            v.put("gw_pin_id", s.pinnedFor().id());
            v.put("gw_pin_type", s.pinnedFor().type());
        }
        return v;
    }

    private static void subject(Map<String, Object> v, String prefix, SubjectKind kind, SubjectRef subject) {
        if (kind == SubjectKind.TYPED || kind == SubjectKind.ANY_TYPE) {
            v.put(prefix + "_id", subject.id());
        }
        if (kind == SubjectKind.TYPED) {
            v.put(prefix + "_type", subject.type());
        }
    }

    private static void putAll(Map<String, Object> v, String prefix, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            v.put(prefix + i, values.get(i));
        }
    }

    private static List<UUID> sorted(Set<UUID> ids) {
        return ids.stream().sorted().toList();
    }

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static String jsonText(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---- the statement of a shape, every value a named parameter

    /** One parameter object per name within one statement, typed as the column it is compared with. */
    private static final class Params {
        private final Map<String, Param<?>> byName = new HashMap<>();

        @SuppressWarnings("unchecked") // one name, one type: every use of a name passes the same type
        <T> Param<T> p(String name, DataType<T> type) {
            return (Param<T>) byName.computeIfAbsent(name, n -> DSL.param(n, type));
        }

        <T> Param<T> p(String name, Field<T> column) {
            return p(name, column.getDataType());
        }
    }

    /** The columns a list row is read by ({@link SessionRow.Reader}): the session lookup's, then the pin. */
    private static Field<?>[] rowFields() {
        List<Field<?>> fields = SessionColumns.row();
        fields.add(PINNED);
        return fields.toArray(Field<?>[]::new);
    }

    /** The session row as the statement selects it (CHAR as VARCHAR), with the pin, from the five tables. */
    private static SelectJoinStep<Record> columns(Params p, SubjectKind pin) {
        List<Field<?>> selected = SessionColumns.unpadded(SessionColumns.row());
        selected.add(pinnedField(p, pin));
        return SessionColumns.joined(DSL.select(selected));
    }

    /** The subject row's id as a subquery (null when the subject never wrote anything: then it matches nothing). */
    private static Field<UUID> subjectId(Params p, String prefix, SubjectKind kind) {
        Condition c = SUBJECT.TENANT_ID
                .eq(p.p("gw_tenant", SESSION.TENANT_ID))
                .and(SUBJECT.SUBJECT_ID.eq(p.p(prefix + "_id", SUBJECT.SUBJECT_ID)));
        if (kind == SubjectKind.TYPED) {
            c = c.and(SUBJECT.SUBJECT_TYPE.eq(p.p(prefix + "_type", SUBJECT.SUBJECT_TYPE)));
        }
        return DSL.field(DSL.select(SUBJECT.ID).from(SUBJECT).where(c));
    }

    private static Condition ownedBy(Params p, String prefix, SubjectKind kind) {
        return switch (kind) {
            case NONE -> DSL.noCondition();
            case UNSTORABLE -> DSL.falseCondition();
            case TYPED -> SESSION.OWNER_ID.eq(subjectId(p, prefix, kind));
            case ANY_TYPE ->
                SESSION.OWNER_ID.in(DSL.select(SUBJECT.ID)
                        .from(SUBJECT)
                        .where(SUBJECT.TENANT_ID
                                .eq(p.p("gw_tenant", SESSION.TENANT_ID))
                                .and(SUBJECT.SUBJECT_ID.eq(p.p(prefix + "_id", SUBJECT.SUBJECT_ID)))));
        };
    }

    private static Field<Boolean> pinnedField(Params p, SubjectKind pin) {
        if (pin != SubjectKind.TYPED) {
            return DSL.inline(false).as(PINNED);
        }
        return DSL.field(DSL.exists(DSL.selectOne()
                        .from(SESSION_PIN)
                        .where(SESSION_PIN
                                .SESSION_ID
                                .eq(SESSION.ID)
                                .and(SESSION_PIN.SUBJECT_ID.eq(subjectId(p, "gw_pin", pin))))))
                .as(PINNED);
    }

    /** The conditions of a selection but its keyset and its owner-or-agents visibility. */
    private static Condition where(Params p, Shape s) {
        Condition c = SESSION.TENANT_ID.eq(p.p("gw_tenant", SESSION.TENANT_ID)).and(SESSION.DELETED_AT.isNull());
        if (s.team()) {
            c = c.and(SESSION.TEAM_ID.eq(p.p("gw_team", SESSION.TEAM_ID)));
        }
        if (s.agents() == 0) {
            c = c.and(DSL.falseCondition());
        } else if (s.agents() == 1) {
            c = c.and(SESSION.AGENT_ID.eq(p.p("gw_agent", SESSION.AGENT_ID)));
        } else if (s.agents() > 1) {
            List<Field<UUID>> agents = new ArrayList<>();
            for (int i = 0; i < s.agents(); i++) {
                agents.add(p.p("gw_agent_" + i, SESSION.AGENT_ID));
            }
            c = c.and(SESSION.AGENT_ID.in(agents));
        }
        if (s.account()) {
            c = c.and(SESSION.ACCOUNT_ID.eq(p.p("gw_account", SESSION.ACCOUNT_ID)));
        }
        if (s.owner() != SubjectKind.NONE) {
            c = c.and(ownedBy(p, "gw_owner", s.owner()));
        }
        if (s.statuses() > 0) {
            List<Field<String>> statuses = new ArrayList<>();
            for (int i = 0; i < s.statuses(); i++) {
                statuses.add(p.p("gw_status_" + i, SESSION.STATUS));
            }
            c = c.and(SESSION.STATUS.in(statuses));
        }
        if (s.title()) {
            Field<String> title = DSL.lower(SESSION.TITLE);
            c = c.and(title.like(p.p("gw_title", title), '!'));
        }
        if (s.from()) {
            c = c.and(SESSION.CREATED_AT.ge(p.p("gw_created_from", SESSION.CREATED_AT)));
        }
        if (s.to()) {
            c = c.and(SESSION.CREATED_AT.le(p.p("gw_created_to", SESSION.CREATED_AT)));
        }
        if (s.visibility() == VisibilityKind.SHARED_WITH) {
            // A key of the permissions object: its JSON text followed by ':' (PostgreSQL's jsonb text and H2's
            // stored text both put the colon right after the key; inside a string value every quote is escaped).
            // Found with POSITION, not LIKE: H2 parses and plans again, at every execution, a statement with a LIKE
            // (its pattern may be a parameter), which was most of the cost of an Agentcloud list page.
            Condition granted = DSL.falseCondition();
            for (int i = 0; i < s.visibilityN(); i++) {
                granted = granted.or(DSL.position(
                                SESSION.SHARING_PERMISSIONS.cast(SQLDataType.VARCHAR),
                                p.p("gw_grantee_" + i, SQLDataType.VARCHAR))
                        .gt(p.p("gw_zero", SQLDataType.INTEGER)));
            }
            Condition own = s.visibilitySubject() == SubjectKind.NONE
                    ? DSL.falseCondition()
                    : ownedBy(p, "gw_caller", s.visibilitySubject());
            c = c.and(SESSION.SHARING_MODE
                    .ne(p.p("gw_restricted", SESSION.SHARING_MODE))
                    .or(own)
                    .or(SESSION.SHARING_PERMISSIONS.isNotNull().and(granted)));
        }
        return c;
    }

    private static Condition keyset(Params p, SessionQuery.Order order, boolean after) {
        if (!after) {
            return DSL.noCondition();
        }
        Field<OffsetDateTime> created = p.p("gw_after_created", SESSION.CREATED_AT);
        return switch (order) {
            case CREATED_DESC -> DSL.row(SESSION.CREATED_AT, SESSION.ID).lt(created, p.p("gw_after_id", SESSION.ID));
            case CREATED_ASC -> DSL.row(SESSION.CREATED_AT, SESSION.ID).gt(created, p.p("gw_after_id", SESSION.ID));
            case OBJECT_ID_DESC -> SESSION.OBJECT_ID.lt(p.p("gw_after_object", SESSION.OBJECT_ID));
            case OBJECT_ID_ASC -> SESSION.OBJECT_ID.gt(p.p("gw_after_object", SESSION.OBJECT_ID));
        };
    }

    /**
     * The columns that a list's WHERE binds to one value each and that lead the index the list reads
     * (docs/lifecycle.md section 5), in the index's order: an owner given by type and id and one agent: owner and
     * agent; an owner: owner; one agent: agent; an account: account; else the tenant. Object-id orders: the team, or
     * nothing (the unique index on object_id).
     */
    private static List<Field<?>> indexLeading(
            SessionQuery.Order order, boolean oneOwner, boolean oneAgent, boolean account, boolean team) {
        if (order.byObjectId()) {
            return team ? List.of(SESSION.TEAM_ID) : List.of();
        }
        if (oneOwner) {
            return oneAgent ? List.of(SESSION.OWNER_ID, SESSION.AGENT_ID) : List.of(SESSION.OWNER_ID);
        }
        if (oneAgent) {
            return List.of(SESSION.AGENT_ID);
        }
        return List.of(account ? SESSION.ACCOUNT_ID : SESSION.TENANT_ID);
    }

    /**
     * The ORDER BY of a list read through an index: the index's leading columns (each bound to one value by the
     * WHERE, so they change nothing in the order), then the keyset. H2 reads rows in an index's order only when the
     * ORDER BY starts with exactly the index's columns; without the leading ones it read every session of the scope
     * and sorted them (1-2 s a page at 37,000 sessions). PostgreSQL plans both forms alike.
     */
    private static List<SortField<?>> indexOrder(List<Field<?>> leading, SessionQuery.Order order) {
        boolean desc = order == SessionQuery.Order.CREATED_DESC || order == SessionQuery.Order.OBJECT_ID_DESC;
        List<SortField<?>> fields = new ArrayList<>();
        for (Field<?> f : leading) {
            fields.add(desc ? f.desc() : f.asc());
        }
        fields.addAll(orderBy(order));
        return fields;
    }

    /**
     * A plain range on the keyset's first column, implied by the rest of the WHERE: {@code created_at <=} (or
     * {@code >=}) the position's for a page after a position (the row comparison alone is not always used as an
     * index range by H2, in a union's branch never), else {@code created_at <=} a bound every session satisfies when
     * no window bounds it, and {@code object_id >= ''} for a first page in object-id order. H2 costs an index by its
     * conditions, not by the ORDER BY it saves: with equality on the leading column alone, the one-column index H2
     * creates for every foreign key ties with the list's index and wins; a range that only the list's index can use
     * makes it the cheaper. PostgreSQL plans the same with or without it.
     */
    private static Condition indexRange(Params p, Shape s) {
        boolean window = s.from() || s.to();
        return switch (s.order()) {
            case CREATED_DESC ->
                s.after()
                        ? SESSION.CREATED_AT.le(p.p("gw_after_created", SESSION.CREATED_AT))
                        : window ? DSL.noCondition() : SESSION.CREATED_AT.le(p.p("gw_created_max", SESSION.CREATED_AT));
            case CREATED_ASC ->
                s.after()
                        ? SESSION.CREATED_AT.ge(p.p("gw_after_created", SESSION.CREATED_AT))
                        : window ? DSL.noCondition() : SESSION.CREATED_AT.le(p.p("gw_created_max", SESSION.CREATED_AT));
            case OBJECT_ID_DESC, OBJECT_ID_ASC ->
                s.after() ? DSL.noCondition() : SESSION.OBJECT_ID.ge(p.p("gw_empty", SESSION.OBJECT_ID));
        };
    }

    private static List<SortField<?>> orderBy(SessionQuery.Order order) {
        return switch (order) {
            case CREATED_DESC -> List.of(SESSION.CREATED_AT.desc(), SESSION.ID.desc());
            case CREATED_ASC -> List.of(SESSION.CREATED_AT.asc(), SESSION.ID.asc());
            case OBJECT_ID_DESC -> List.of(SESSION.OBJECT_ID.desc());
            case OBJECT_ID_ASC -> List.of(SESSION.OBJECT_ID.asc());
        };
    }

    /** The count of a shape: its WHERE, with an owner-or-agents visibility as one condition. */
    private Query count(Shape s) {
        Params p = new Params();
        Condition c = where(p, s);
        if (s.visibility() == VisibilityKind.OWNER_OR_AGENTS) {
            List<Field<UUID>> agents = new ArrayList<>();
            for (int i = 0; i < s.visibilityN(); i++) {
                agents.add(p.p("gw_branch_agent_" + i, SESSION.AGENT_ID));
            }
            Condition either = agents.isEmpty() ? DSL.falseCondition() : SESSION.AGENT_ID.in(agents);
            c = c.and(either.or(ownedBy(p, "gw_either", s.visibilitySubject())));
        }
        return dsl.selectCount().from(SESSION).where(c);
    }

    /** The list statement of a shape. */
    private ResultQuery<Record> list(Shape s) {
        Params p = new Params();
        Condition c = where(p, s);
        SelectJoinStep<Record> select = columns(p, s.pin() ? SubjectKind.TYPED : SubjectKind.NONE);
        Condition page = keyset(p, s.order(), s.after());
        SelectLimitStep<Record> ordered;
        if (s.visibility() == VisibilityKind.OWNER_OR_AGENTS) {
            // One keyset range scan per agent and one for the owner, each cut at offset + limit rows; their union
            // (a session can be both owned and of a managed agent) cut again, so that the outer query joins only
            // that many rows by primary key.
            Param<Integer> cut = p.p("gw_cut", SQLDataType.INTEGER);
            List<Select<Record3<UUID, OffsetDateTime, String>>> branches = new ArrayList<>();
            Condition range = indexRange(p, s);
            for (int i = 0; i < s.visibilityN(); i++) {
                branches.add(DSL.select(SESSION.ID, SESSION.CREATED_AT, SESSION.OBJECT_ID)
                        .from(SESSION)
                        .where(c.and(SESSION.AGENT_ID.eq(p.p("gw_branch_agent_" + i, SESSION.AGENT_ID)))
                                .and(page)
                                .and(range))
                        .orderBy(indexOrder(indexLeading(s.order(), false, true, false, false), s.order()))
                        .limit(cut));
            }
            boolean oneOwner = s.visibilitySubject() == SubjectKind.TYPED;
            branches.add(DSL.select(SESSION.ID, SESSION.CREATED_AT, SESSION.OBJECT_ID)
                    .from(SESSION)
                    .where(c.and(ownedBy(p, "gw_either", s.visibilitySubject()))
                            .and(page)
                            .and(range))
                    .orderBy(indexOrder(indexLeading(s.order(), oneOwner, false, s.account(), s.team()), s.order()))
                    .limit(cut));
            Select<Record3<UUID, OffsetDateTime, String>> union = branches.get(0);
            for (int i = 1; i < branches.size(); i++) {
                union = union.union(branches.get(i));
            }
            Table<Record3<UUID, OffsetDateTime, String>> u = union.asTable("u", "id", "created_at", "object_id");
            Field<UUID> uId = u.field("id", UUID.class);
            Field<OffsetDateTime> uCreated = u.field("created_at", OffsetDateTime.class);
            Field<String> uObject = u.field("object_id", String.class);
            List<SortField<?>> uOrder = switch (s.order()) {
                case CREATED_DESC -> List.of(uCreated.desc(), uId.desc());
                case CREATED_ASC -> List.of(uCreated.asc(), uId.asc());
                case OBJECT_ID_DESC -> List.of(uObject.desc());
                case OBJECT_ID_ASC -> List.of(uObject.asc());
            };
            Table<Record1<UUID>> candidates =
                    DSL.select(uId).from(u).orderBy(uOrder).limit(cut).asTable("candidate", "id");
            ordered = select.where(SESSION.ID.in(
                            DSL.select(candidates.field("id", UUID.class)).from(candidates)))
                    .orderBy(orderBy(s.order()));
        } else {
            boolean oneOwner = s.owner() == SubjectKind.TYPED;
            ordered = select.where(c.and(page).and(indexRange(p, s)))
                    .orderBy(indexOrder(
                            indexLeading(s.order(), oneOwner, s.agents() == 1, s.account(), s.team()), s.order()));
        }
        Param<Integer> limit = p.p("gw_limit", SQLDataType.INTEGER);
        ResultQuery<Record> q =
                s.offset() ? ordered.limit(limit).offset(p.p("gw_offset", SQLDataType.INTEGER)) : ordered.limit(limit);
        q.attach(dsl.configuration());
        return q;
    }
}
