package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code specs/admin/health.yaml} over real HTTP: liveness, readiness on a healthy database, no credentials needed,
 * and {@code /health/**} answered in the gateway's own envelope even where a vendor route template would match.
 */
class HealthIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static final String GENERIC_DOC = "admin/admin.yaml";

    @Test
    void liveIsUpWithoutCredentials() {
        Response r = CLIENTS.admin().liveness();
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(Map.of("status", "up"), r.jsonPath().getMap(""));
        assertEquals("no-store", r.header("Cache-Control"));
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    }

    @Test
    void readyChecksTheDatabaseAndTheSchema() {
        Response r = CLIENTS.admin().readiness();
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("up", r.jsonPath().getString("status"));
        assertEquals("up", r.jsonPath().getString("checks.database.status"));
        assertEquals(null, r.jsonPath().getString("checks.database.detail"));
        assertTrue(r.jsonPath().getInt("checks.database.duration_ms") >= 0);
        assertEquals("up", r.jsonPath().getString("checks.migrations.status"));
        assertTrue(
                r.jsonPath().getString("checks.migrations.detail").matches("schema version \\d+(\\.\\d+)*"),
                r.asString());
        assertEquals("no-store", r.header("Cache-Control"));
    }

    @Test
    void credentialsAreIgnored() {
        Response r = GATEWAY.given()
                .header("Authorization", "Bearer not-a-token")
                .header("x-api-key", "nope")
                .get("/health/ready");
        assertEquals(200, r.statusCode(), r.asString());
    }

    /**
     * Including paths a vendor's route template would match (a TrueFoundry tenant or an Agentcloud team named
     * "health"): {@code /health} is reserved. (GET {@code /health/v1/agents/sessions} and {@code …/sessions/{id}} are
     * reserved too, but TrueFoundry's documents declare a 404 for those templates, so the validator would hold them
     * to TrueFoundry's.)
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/health",
                "/health/",
                "/health/nope",
                "/health/live/x",
                "/health/v1/agents",
                "/health/session/0123456789abcdef01234567.json",
                "/health/forms/session/add",
                "/metrics/x"
            })
    void unknownPathsUnderHealthAreTheGatewaysOwn404(String path) {
        Response r = GATEWAY.givenUndocumented(GENERIC_DOC, "AdminError").get(path);
        assertEquals(404, r.statusCode(), r.asString());
        assertEquals("route_not_found", r.jsonPath().getString("error.code"));
        assertEquals("no such route", r.jsonPath().getString("error.message"));
        assertEquals(null, r.jsonPath().getString("error.reference"));
        assertTrue(r.header("X-Request-Id") != null);
    }

    @Test
    void postingToAProbeIs405InTheGatewaysEnvelope() {
        Response r = GATEWAY.givenUndocumented(GENERIC_DOC, "AdminError")
                .contentType("application/json")
                .body("{}")
                .post("/health/ready");
        assertEquals(405, r.statusCode(), r.asString());
        assertEquals("method_not_allowed", r.jsonPath().getString("error.code"));
        assertTrue(r.header("Allow").contains("GET"), r.header("Allow"));
    }

    @Test
    void probesProduceJsonOnly() {
        Response r = GATEWAY.givenUndocumented(GENERIC_DOC, "AdminError")
                .accept("text/html")
                .get("/health/live");
        assertEquals(406, r.statusCode(), r.asString());
        assertEquals("not_acceptable", r.jsonPath().getString("error.code"));
    }
}
