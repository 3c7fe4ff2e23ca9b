package io.sessiongateway.core.store;

import java.nio.file.Path;
import java.time.Duration;
import org.jooq.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every list's statement on H2 reads one of the list indexes of docs/lifecycle.md section 5 in the list's order
 * ({@code index sorted} in H2's plan), never the one-column index H2 creates for each foreign key, which would read
 * every session of the tenant, team, agent or owner and sort them (a page at 10^6 sessions then costs seconds).
 *
 * <p>Not yet for the manager's search (a union of keyset scans in a derived table): H2 2.5 plans a union's branches
 * without the cost of their ranges and takes the foreign key's index for each, even where the same branch alone is
 * planned on the list's index (checked by hand with EXPLAIN): each branch reads the agent's or the owner's sessions
 * and sorts them (not the tenant's). PostgreSQL plans it on the list indexes (its test).
 */
class H2ListPlanTest extends ListPlanContract {
    @TempDir
    static Path dir;

    @BeforeAll
    static void open() {
        seed(Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 2, Duration.ofSeconds(5))));
        db.dsl().execute("""
                INSERT INTO session (id, public_id, object_id, tenant_id, team_id, agent_id, owner_id, account_id,
                    title, status, sharing_mode, created_at, updated_at)
                SELECT RANDOM_UUID(), 'plan-' || CAST(RANDOM_UUID() AS VARCHAR),
                    SUBSTRING(REPLACE(CAST(RANDOM_UUID() AS VARCHAR), '-', ''), 1, 24),
                    s.tenant_id, s.team_id, s.agent_id, s.owner_id,
                    CASE WHEN MOD(g.i, 3) = 0 THEN s.account_id ELSE RANDOM_UUID() END,
                    'Session ' || g.i,
                    CASE MOD(g.i, 5) WHEN 0 THEN 'created' WHEN 1 THEN 'running' WHEN 2 THEN 'waiting'
                        WHEN 3 THEN 'completed' ELSE 'archived' END,
                    CASE MOD(g.i, 3) WHEN 0 THEN 'team' WHEN 1 THEN 'public' ELSE 'restricted' END,
                    DATEADD(MINUTE, g.i, s.created_at), DATEADD(MINUTE, g.i, s.created_at)
                FROM SYSTEM_RANGE(1, ?) AS g(i)
                CROSS JOIN (SELECT * FROM session WHERE tenant_id = ? ORDER BY created_at, id LIMIT 2) s
                """, SESSIONS / 2, tenant.id());
        db.dsl().execute("ANALYZE TABLE session");
    }

    @Override
    String plan(Query query) {
        return db.dsl().fetch("EXPLAIN " + db.dsl().renderInlined(query)).formatCSV(false);
    }

    @Override
    String problem(String list, SessionSelection selection, String plan) {
        if (selection.visibility() instanceof SessionSelection.Visibility.OwnerOrAgents) {
            return null; // see the class comment
        }
        if (plan.contains("fk_session_")) {
            return "reads a foreign key's one-column index";
        }
        if (!plan.contains("/* index sorted */")) {
            return "not read in the index's order";
        }
        return null;
    }
}
