package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionSelection.Visibility;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Every list's statement, at a few thousand sessions in the tenant, is planned by PostgreSQL as index scans: no
 * sequential scan of {@code session} (docs/lifecycle.md section 5). Runs when {@code GATEWAY_TEST_PG_URL} names a
 * server, as {@link PostgresSessionStoreTest} does.
 */
@EnabledIfEnvironmentVariable(named = "GATEWAY_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresListPlanTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final int SESSIONS = 4000;
    private static Database db;
    private static JooqSessionStore store;
    private static Tenant tenant;
    private static Agent coder;
    private static Agent reviewer;
    private static final SubjectRef ALICE = new SubjectRef("user", "alice", null);
    private static final UUID ACCOUNT = UUID.randomUUID();
    private static Session sample;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(
                System.getenv("GATEWAY_TEST_PG_URL"),
                System.getenv("GATEWAY_TEST_PG_USER"),
                System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                2,
                Duration.ofSeconds(60)));
        db.migrate();
        store = new JooqSessionStore(db);
        tenant = store.ensureTenant("plan-" + UUID.randomUUID().toString().substring(0, 8));
        coder = store.createAgent(tenant, new NewAgent("coder", List.of("mgr"), false), T0);
        reviewer = store.createAgent(tenant, new NewAgent("reviewer", List.of(), false), T0);
        sample = store.createSession(
                Ids.newId(),
                Ids.sessionPublicId(Ids.newId()),
                coder,
                ALICE,
                ACCOUNT,
                NewSession.defaults(),
                SessionStatus.CREATED,
                T0);
        store.createSession(
                Ids.newId(),
                Ids.sessionPublicId(Ids.newId()),
                reviewer,
                new SubjectRef("user", "bob", null),
                null,
                NewSession.defaults(),
                SessionStatus.CREATED,
                T0);
        // The rest in one statement: copies of those two spread over agents, owners, accounts, statuses and time.
        db.dsl().execute("""
                INSERT INTO session (id, public_id, object_id, tenant_id, team_id, agent_id, owner_id, account_id,
                    title, status, sharing_mode, created_at, updated_at)
                SELECT gen_random_uuid(), 'plan-' || md5(random()::text || g), substr(md5(random()::text || g), 1, 24),
                    s.tenant_id, s.team_id, s.agent_id, s.owner_id,
                    CASE WHEN g % 3 = 0 THEN s.account_id ELSE gen_random_uuid() END,
                    'Session ' || g, (ARRAY['created','running','waiting','completed','archived'])[1 + g % 5],
                    (ARRAY['team','public','restricted'])[1 + g % 3],
                    s.created_at + g * interval '1 minute', s.created_at + g * interval '1 minute'
                FROM generate_series(1, ?) g
                JOIN session s ON s.tenant_id = ? AND s.id IN (
                    SELECT id FROM session WHERE tenant_id = ? ORDER BY created_at, id LIMIT 2)
                """, SESSIONS / 2, tenant.id(), tenant.id());
        db.dsl().execute("ANALYZE session");
    }

    @AfterAll
    static void close() {
        if (db != null) {
            db.close();
        }
    }

    private static SessionSelection select(
            UUID team,
            Set<UUID> agents,
            UUID account,
            SubjectRef owner,
            Visibility visibility,
            Set<SessionStatus> statuses,
            String title,
            Instant from,
            Instant to,
            Order order,
            Position after) {
        return new SessionSelection(
                tenant.id(),
                team,
                agents,
                account,
                owner,
                visibility,
                statuses,
                title,
                from,
                to,
                order,
                after,
                0,
                21,
                ALICE);
    }

    @Test
    void everyListIsIndexScansOnly() {
        Position mid = new Position(T0.plus(Duration.ofMinutes(SESSIONS / 4)), UUID.randomUUID(), null);
        Instant end = T0.plus(Duration.ofMinutes(SESSIONS / 2));
        Map<String, SessionSelection> lists = new LinkedHashMap<>();
        lists.put(
                "TrueFoundry list, manager of the agent",
                select(
                        null,
                        Set.of(coder.id()),
                        null,
                        null,
                        Visibility.ALL,
                        null,
                        null,
                        end.minus(Duration.ofMinutes(30)),
                        end,
                        Order.CREATED_DESC,
                        null));
        lists.put(
                "TrueFoundry list, next page",
                select(
                        null,
                        Set.of(coder.id()),
                        null,
                        null,
                        Visibility.ALL,
                        null,
                        null,
                        T0,
                        end,
                        Order.CREATED_DESC,
                        mid));
        lists.put(
                "TrueFoundry list, owner",
                select(
                        null,
                        Set.of(coder.id()),
                        null,
                        ALICE,
                        Visibility.ALL,
                        null,
                        null,
                        end.minus(Duration.ofMinutes(30)),
                        end,
                        Order.CREATED_ASC,
                        mid));
        lists.put(
                "TrueFoundry owned-sessions",
                select(null, null, null, ALICE, Visibility.ALL, null, null, null, null, Order.CREATED_DESC, mid));
        lists.put(
                "TrueFoundry search, admin",
                select(null, null, null, null, Visibility.ALL, null, null, null, null, Order.CREATED_DESC, mid));
        lists.put(
                "TrueFoundry search, manager",
                select(
                        null,
                        null,
                        null,
                        null,
                        new Visibility.OwnerOrAgents(ALICE, Set.of(coder.id(), reviewer.id())),
                        null,
                        null,
                        null,
                        null,
                        Order.CREATED_DESC,
                        mid));
        lists.put(
                "Everruns list",
                select(null, null, null, null, Visibility.ALL, null, null, null, null, Order.CREATED_DESC, null));
        lists.put(
                "Everruns list by agent",
                select(
                        null,
                        Set.of(reviewer.id()),
                        null,
                        null,
                        Visibility.ALL,
                        null,
                        null,
                        null,
                        null,
                        Order.CREATED_DESC,
                        mid));
        lists.put(
                "Everruns search",
                select(null, null, null, null, Visibility.ALL, null, "session 1", null, null, Order.CREATED_DESC, mid));
        lists.put(
                "Agentcloud sessions.json",
                select(
                        tenant.defaultTeamId(),
                        null,
                        null,
                        null,
                        new Visibility.SharedWith(ALICE, Set.of("alice", tenant.objectId())),
                        null,
                        null,
                        null,
                        null,
                        Order.OBJECT_ID_DESC,
                        Position.ofObjectId(sample.objectId())));
        lists.put(
                "Recoup list",
                select(
                        null,
                        null,
                        ACCOUNT,
                        null,
                        Visibility.ALL,
                        Set.of(SessionStatus.CREATED, SessionStatus.RUNNING, SessionStatus.WAITING),
                        null,
                        null,
                        null,
                        Order.CREATED_DESC,
                        null));
        lists.put(
                "admin list by status and owner",
                select(
                        null,
                        Set.of(coder.id()),
                        null,
                        new SubjectRef(null, "alice", null),
                        Visibility.ALL,
                        Set.of(SessionStatus.RUNNING),
                        null,
                        null,
                        null,
                        Order.CREATED_ASC,
                        mid));
        lists.put(
                "admin list, next page",
                select(null, null, null, null, Visibility.ALL, null, null, null, null, Order.CREATED_ASC, mid));
        lists.put(
                "admin list by status",
                select(
                        null,
                        null,
                        null,
                        null,
                        Visibility.ALL,
                        Set.of(SessionStatus.RUNNING),
                        null,
                        null,
                        null,
                        Order.CREATED_ASC,
                        mid));
        lists.put(
                "admin list by owner",
                select(
                        null,
                        null,
                        null,
                        new SubjectRef(null, "alice", null),
                        Visibility.ALL,
                        null,
                        null,
                        null,
                        null,
                        Order.CREATED_ASC,
                        mid));
        StringBuilder failures = new StringBuilder();
        for (Map.Entry<String, SessionSelection> list : lists.entrySet()) {
            String plan = plan(store.selectSessions(list.getValue()));
            if (plan.contains("Seq Scan on session ") || !plan.contains("Index")) {
                failures.append(list.getKey()).append(":\n").append(plan).append('\n');
            }
            store.findSessions(list.getValue()); // and it runs
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    private static String plan(Query query) {
        return db.dsl().fetch("EXPLAIN " + db.dsl().renderInlined(query)).formatCSV(false);
    }
}
