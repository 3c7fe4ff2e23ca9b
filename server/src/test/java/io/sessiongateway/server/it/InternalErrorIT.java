package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The documents' 500s, provoked for real: the store is broken underneath the running gateway (its session table
 * renamed away), and each dialect that declares a 500 answers it in its own envelope with an opaque reference,
 * nothing internal on the wire; once the table is back, the same requests succeed again.
 */
class InternalErrorIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static Connection connect() throws Exception {
        Map<String, String> env = GATEWAY.databaseEnv();
        String url = env.getOrDefault("GATEWAY_DB_URL", DatabaseConfig.h2FileUrl(GATEWAY.dataDir()));
        return DriverManager.getConnection(url, env.get("GATEWAY_DB_USER"), env.get("GATEWAY_DB_PASSWORD"));
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aBrokenStoreIsAnOpaque500InEachDialectsEnvelope() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        String team =
                GATEWAY.provisioning().agent(tenant, "helper", List.of(), false).team();
        String token = "Bearer " + fullToken(tenant, "alice", UUID.randomUUID(), List.of(team));
        Response created = CLIENTS.recoup().as(token).create(Map.of("title", "t"));
        assertEquals(200, created.statusCode(), created.asString());
        String id = created.jsonPath().getString("session.id");
        String objectId = CLIENTS.admin(tenant).showSession(id).jsonPath().getString("ids.agentcloud");

        sql("ALTER TABLE session RENAME TO session_broken");
        try {
            Response everruns = CLIENTS.everruns().as(token).get(id);
            assertOpaque500(everruns, everruns.jsonPath().getString("error"));
            assertEquals(
                    List.of("error"), List.copyOf(everruns.jsonPath().getMap("").keySet()));

            Response agentcloud = CLIENTS.agentcloud().as(token).get(team, objectId);
            assertOpaque500(agentcloud, agentcloud.jsonPath().getString("message"));
            assertEquals(500, agentcloud.jsonPath().getInt("code"));

            // Recoup declares its 500 on create only.
            Response recoup = CLIENTS.recoup().as(token).create(Map.of("title", "during the outage"));
            assertOpaque500(recoup, recoup.jsonPath().getString("error"));
            assertEquals("error", recoup.jsonPath().getString("status"));
        } finally {
            sql("ALTER TABLE session_broken RENAME TO session");
        }
        assertEquals(
                200,
                CLIENTS.recoup().as(token).get(id).statusCode(),
                "the same request succeeds once the store is whole again");
    }

    private static void assertOpaque500(Response r, String message) {
        assertEquals(500, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertTrue(message.contains("reference "), message);
        String requestId = r.header("X-Request-Id");
        assertTrue(requestId != null && message.contains(requestId), "the reference is the request id: " + message);
        for (String internal : List.of("Exception", "SQL", "session_broken", "jooq", "at io.", "org.")) {
            assertFalse(r.asString().contains(internal), "no internals on the wire: " + r.asString());
        }
    }
}
