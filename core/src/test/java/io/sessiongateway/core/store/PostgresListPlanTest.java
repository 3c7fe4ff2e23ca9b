package io.sessiongateway.core.store;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Every list's statement, at a few thousand sessions in the tenant, is planned by PostgreSQL as index scans: no
 * sequential scan of {@code session}, and no sort of the sessions a scan returns (the index gives the order). Two
 * lists merge several index ranges and sort what they read: the manager's search (a union of keyset scans, each cut
 * at one page) and an owner given by id alone (the admin list: every subject type with that id is a range of its
 * own). Runs when {@code
 * GATEWAY_TEST_PG_URL} names a server, as {@link PostgresSessionStoreTest} does.
 */
@EnabledIfEnvironmentVariable(named = "GATEWAY_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresListPlanTest extends ListPlanContract {
    @BeforeAll
    static void open() {
        seed(Database.open(new DatabaseConfig(
                System.getenv("GATEWAY_TEST_PG_URL"),
                System.getenv("GATEWAY_TEST_PG_USER"),
                System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                2,
                Duration.ofSeconds(60))));
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
        db.dsl().execute("ANALYZE"); // every table: the joined ones (team, agent, subject) grow with the other tests in
        // this database
    }

    @Override
    String plan(Query query) {
        return db.dsl().fetch("EXPLAIN " + db.dsl().renderInlined(query)).formatCSV(false);
    }

    @Override
    String problem(String list, SessionSelection selection, String plan) {
        if (plan.contains("Seq Scan on session ") || !plan.contains("Index")) {
            return "not index scans only";
        }
        boolean merges = selection.visibility() instanceof SessionSelection.Visibility.OwnerOrAgents
                || (selection.owner() != null && selection.owner().type() == null);
        if (!merges && sortedRows(plan) > SMALL_SORT) {
            return "sorts the sessions it scanned";
        }
        return null;
    }

    /**
     * A sort of at most this many estimated rows is the planner's cost choice (a hash join of a few rows, then a sort),
     * not a list reading more than its page: PostgreSQL picks it or not by statistics, so the test must not depend
     * on it.
     */
    private static final long SMALL_SORT = 100;

    /**
     * The most rows any Sort node of the plan that sorts sessions expects, 0 without one (a merge join's sort of the
     * few teams or agents it joins is the planner's choice by their table's size, not a list reading sessions).
     */
    private static long sortedRows(String plan) {
        Matcher m = Pattern.compile("Sort {2}\\(cost=[0-9.]+ rows=(\\d+)[^\\n]*\\n\\W*Sort Key: session\\.")
                .matcher(plan);
        long most = 0;
        while (m.find()) {
            most = Math.max(most, Long.parseLong(m.group(1)));
        }
        return most;
    }
}
