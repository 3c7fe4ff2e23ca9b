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
import org.junit.jupiter.api.Test;

/**
 * Every list's statement, at a few thousand sessions in the tenant, is planned as an index read in the list's
 * order (docs/lifecycle.md section 5): no scan of every session of the scope, no sort of them. One subclass per
 * database: each seeds the sessions its own way and reads its database's plan.
 */
abstract class ListPlanContract {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final int SESSIONS = 4000;
    static final SubjectRef ALICE = new SubjectRef("user", "alice", null);
    static final UUID ACCOUNT = UUID.randomUUID();
    static Database db;
    static JooqSessionStore store;
    static Tenant tenant;
    static Agent coder;
    static Agent reviewer;
    static Session sample;

    /** Opens the store on a migrated database and writes the two sessions the bulk copies; then the subclass's. */
    static void seed(Database database) {
        db = database;
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
    }

    @AfterAll
    static void close() {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    /** The database's plan of a statement, as text. */
    abstract String plan(Query query);

    /** Why a list's plan is not an index read in the list's order; null when it is. */
    abstract String problem(String list, SessionSelection selection, String plan);

    static SessionSelection select(
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

    /** Every list of docs/lifecycle.md section 5, named, as the adapters select it. */
    static Map<String, SessionSelection> lists() {
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
        return lists;
    }

    @Test
    void everyListIsAnIndexReadInItsOrder() {
        StringBuilder failures = new StringBuilder();
        for (Map.Entry<String, SessionSelection> list : lists().entrySet()) {
            String plan = plan(store.selectSessions(list.getValue()));
            String problem = problem(list.getKey(), list.getValue(), plan);
            if (problem != null) {
                failures.append(list.getKey())
                        .append(": ")
                        .append(problem)
                        .append(":\n")
                        .append(plan)
                        .append('\n');
            }
            store.findSessions(list.getValue()); // and it runs
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }
}
