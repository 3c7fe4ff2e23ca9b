package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.CliRun;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tenant names that are first path segments of the gateway itself cannot be created: a TrueFoundry tenant named
 * {@code health} would have paths {@code /health/v1/agents/sessions}, which are the gateway's own (404). The admin
 * API refuses them with its 422 {@code tenant_reserved}, and so does the CLI, which goes through it. Here the
 * metrics are served at {@code /prometheus}: that name is reserved as well, and {@code metrics} stays reserved; so are
 * {@code openapi} and {@code docs} (the API documents and the docs page).
 */
class ReservedTenantIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_METRICS_PATH", "/prometheus"));

    static final Clients CLIENTS = GATEWAY.clients();

    private static final String OPERATOR = adminToken("*");

    @ParameterizedTest
    @ValueSource(strings = {"health", "metrics", "prometheus", "openapi", "docs"})
    void everyOperationThatCreatesATenantRefusesAReservedName(String tenant) {
        Response agent = CLIENTS.admin().bearer(OPERATOR).createAgent(tenant, Map.of("name", "helper"));
        assertReserved(agent, tenant);

        Response team = CLIENTS.admin(tenant).createTeam(tenant, Map.of("name", "red"));
        assertReserved(team, tenant);

        Response key = CLIENTS.admin()
                .bearer(OPERATOR)
                .createApiKey(tenant, Map.of("dialect", "everruns", "name", "k", "subject_id", "alice"));
        assertReserved(key, tenant);

        // Nothing was created: listing the (non-existent) tenant is allowed and empty.
        Response teams = CLIENTS.admin().bearer(OPERATOR).listTeams(tenant);
        assertEquals(200, teams.statusCode(), teams.asString());
        assertEquals(List.of(), teams.jsonPath().getList("data"));
    }

    @Test
    void authorisationIsCheckedFirst() {
        Response r = CLIENTS.admin().bearer(token("health", "alice")).createAgent("health", Map.of("name", "helper"));
        assertEquals(403, r.statusCode(), r.asString());
        assertEquals("admin_required", r.jsonPath().getString("error.code"));
    }

    /**
     * Names that share a first segment with another dialect's paths ({@code /admin}, Everruns' {@code /v1},
     * Recoup's {@code /api}) or differ from a reserved one only in case are ordinary tenants: their TrueFoundry
     * paths reach TrueFoundry.
     */
    @ParameterizedTest
    @ValueSource(strings = {"admin", "v1", "api", "Health", "healthz", "metrics2"})
    void namesThatDoNotCollideAreOrdinaryTenants(String tenant) {
        GATEWAY.provisioning().agent(tenant, "helper", List.of(), false);
        Response created =
                CLIENTS.trueFoundry().bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "helper"));
        assertEquals(201, created.statusCode(), created.asString());
        String id = created.jsonPath().getString("data.id");
        Response got = CLIENTS.trueFoundry().bearer(token(tenant, "alice")).get(tenant, id);
        assertEquals(200, got.statusCode(), got.asString());
        assertEquals(created.jsonPath().getMap("data"), got.jsonPath().getMap("data"));
    }

    @Test
    void theCliRefusesAReservedTenantWithTheApisMessage() throws Exception {
        CliRun run = CliRun.of(
                GATEWAY, "agent", "create", "--tenant", "health", "--name", "helper", "--url", GATEWAY.baseUri());
        String stderr = run.err();
        assertEquals(1, run.exit(), stderr);
        assertEquals("", run.out());
        assertTrue(stderr.contains("422") && stderr.contains("reserved"), stderr);
    }

    private static void assertReserved(Response r, String tenant) {
        assertEquals(422, r.statusCode(), r.asString());
        assertEquals("application/json", r.contentType());
        assertEquals(
                Map.of(
                        "error",
                        Map.of(
                                "code",
                                "tenant_reserved",
                                "message",
                                "tenant name '" + tenant + "' is reserved: /" + tenant
                                        + "/ is a path of the gateway itself (reserved names: docs, health, metrics, openapi, prometheus)")),
                withoutNullReference(r.jsonPath().getMap("")));
        assertEquals(null, r.jsonPath().getMap("error").get("reference"));
        assertTrue(r.jsonPath().getMap("error").containsKey("reference"), r.asString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNullReference(Map<String, Object> body) {
        Map<String, Object> error = new HashMap<>((Map<String, Object>) body.get("error"));
        error.remove("reference");
        return Map.of("error", error);
    }
}
