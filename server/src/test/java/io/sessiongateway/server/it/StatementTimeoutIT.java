package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.TestDatabase;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.db.statement-timeout}: a statement that runs longer is cancelled by the database and its request
 * answers 503 in the dialect's own envelope, with {@code Retry-After}, instead of holding a worker thread for as long
 * as the database takes; the same gateway goes on serving everything else. The slow statement is the vendors' own
 * offset paging (Everruns {@code offset}, Recoup's web app), O(offset): a page at offset 200,000 of a tenant with
 * that many sessions takes far longer than the 50 ms timeout set here on both databases (about 0.5 s on PostgreSQL
 * on a busy 2-core machine), a read of one session or a first page far
 * less.
 */
class StatementTimeoutIT {
    private static final int SESSIONS = 200_000;
    private static final String MESSAGE = "the session store did not answer in time (statement timeout)";

    private static GatewayHarness gateway;
    private static Tenant tenant;
    private static Created seed;

    @BeforeAll
    static void loadManySessionsThenSetATimeout() throws Exception {
        gateway = new GatewayHarness();
        gateway.open();
        Clients clients = gateway.clients();
        tenant = clients.provisioning().tenant();
        seed = Sessions.create(clients, tenant, "recoup");
        try (Connection c = gateway.connectDatabase();
                PreparedStatement insert = c.prepareStatement(bulkInsert())) {
            insert.setString(1, seed.publicId());
            assertEquals(SESSIONS, insert.executeUpdate());
        }
        if (TestDatabase.isPostgres()) {
            // Statistics for the new rows, as an operator's autovacuum would gather: without them PostgreSQL may plan
            // the first page as a scan and sort of the 200,000 rows, itself past the timeout.
            try (Connection c = gateway.connectDatabase();
                    Statement s = c.createStatement()) {
                s.execute("ANALYZE session");
            }
        }
        gateway.reconfigure(Map.of("GATEWAY_DB_STATEMENT_TIMEOUT", "50ms"));
    }

    /**
     * Copies of the seed session with ids of their own, created before it (so the seed stays first in every list),
     * as {@code bench/run.sh} loads them.
     */
    private static String bulkInsert() {
        String hex12;
        String hex24;
        String series;
        String created;
        if (TestDatabase.isPostgres()) {
            hex12 = "lpad(to_hex(i), 12, '0')";
            hex24 = "lpad(to_hex(i), 24, '0')";
            series = "generate_series(1, " + SESSIONS + ") AS g(i)";
            created = "s.created_at - i * interval '1 millisecond'";
        } else {
            hex12 = "LPAD(LOWER(TO_CHAR(i, 'FMXXXXXXXXXXXX')), 12, '0')";
            hex24 = "LPAD(LOWER(TO_CHAR(i, 'FMXXXXXXXXXXXXXXXXXXXXXXXX')), 24, '0')";
            series = "SYSTEM_RANGE(1, " + SESSIONS + ") AS g(i)";
            created = "DATEADD(MILLISECOND, -i, s.created_at)";
        }
        return "INSERT INTO session (id, public_id, object_id, tenant_id, team_id, agent_id, owner_id, account_id,"
                + " title, status, warning, lifecycle_version, created_at, updated_at, sharing_mode, is_new_branch)"
                + " SELECT CAST('00000000-0000-7000-8000-' || " + hex12 + " AS UUID),"
                + " 'session_00000000000070008000' || " + hex12 + ", " + hex24 + ","
                + " s.tenant_id, s.team_id, s.agent_id, s.owner_id, s.account_id, 'bulk ' || i, 'created', FALSE, 0,"
                + " " + created + ", " + created + ", 'team', FALSE"
                + " FROM " + series + " CROSS JOIN (SELECT * FROM session WHERE public_id = ?) s";
    }

    @AfterAll
    static void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anEverrunsOffsetPageThatRunsPastTheTimeoutIs503InItsEnvelope() {
        long t0 = System.nanoTime();
        Response r = new Clients(d -> gateway.givenUndocumented("everruns/list-sessions.yaml", "ErrorResponse"))
                .everruns()
                .as(tenant.bearer())
                .list(Map.of("limit", 20, "offset", SESSIONS - 10));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("1", r.header("Retry-After"));
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(Map.of("error", MESSAGE), r.jsonPath().getMap(""));
        assertTrue(ms < 5_000, "the timeout cut the page short: " + ms + " ms");
    }

    @Test
    void aRecoupOffsetPageThatRunsPastTheTimeoutIs503InItsEnvelope() {
        Response r = new Clients(d -> gateway.givenUndocumented("recoup/list-sessions.yaml", "Error"))
                .recoup()
                .as(tenant.bearer())
                .list(Map.of("limit", 20, "offset", SESSIONS - 10));
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("1", r.header("Retry-After"));
        assertEquals(Map.of("status", "error", "error", MESSAGE), r.jsonPath().getMap(""));
    }

    @Test
    void statementsWithinTheTimeoutAreServedAsBefore() {
        Clients clients = gateway.clients();
        Response one = clients.recoup().as(tenant.bearer()).get(seed.publicId());
        assertEquals(200, one.statusCode(), one.asString());
        assertEquals(seed.publicId(), one.jsonPath().getString("session.id"));
        Response page = clients.everruns().as(tenant.bearer()).list(Map.of("limit", 20));
        assertEquals(200, page.statusCode(), page.asString());
        assertEquals(20, page.jsonPath().getList("data").size());
        assertEquals(seed.publicId(), page.jsonPath().getString("data[0].id"));
    }
}
