package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API: agents of a tenant, admin tokens only, every declared status. */
class AdminIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    private static final String AGENTS = "/admin/v1/tenants/{tenant}/agents";

    private static Response post(String tenant, String bearer, Object body) {
        var r = GATEWAY.given().contentType("application/json").body(body);
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return r.post(AGENTS, tenant);
    }

    private static void assertError(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        Map<String, Object> error = r.jsonPath().getMap("error");
        assertEquals(code, error.get("code"));
        assertTrue(error.get("message") instanceof String m && !m.isBlank());
        assertEquals(null, error.get("reference"));
        assertEquals(List.of("error"), List.copyOf(r.jsonPath().getMap("").keySet()));
    }

    @Test
    void createShowsTheAgentsIdInEveryDialectAndListReturnsIt() {
        String tenant = GatewayHarness.uniqueTenant();
        Response r = post(tenant, adminToken(tenant),
                Map.of("name", "helper", "managers", List.of("bob", "bob", "carol"), "restricted", true));
        assertEquals(201, r.statusCode(), r.asString());
        Map<String, Object> agent = r.jsonPath().getMap("");
        String id = (String) agent.get("id");
        Map<String, Object> ids = r.jsonPath().getMap("ids");
        assertEquals(Map.of("id", id, "tenant", tenant, "name", "helper", "managers", List.of("bob", "carol"),
                "restricted", true, "ids", ids, "created_at", agent.get("created_at")), agent);
        assertEquals("helper", ids.get("truefoundry"));
        assertEquals("agent_" + id.replace("-", ""), ids.get("everruns"));
        assertTrue(((String) ids.get("agentcloud")).matches("[0-9a-f]{24}"));

        Response second = post(tenant, adminToken(tenant), Map.of("name", "other"));
        assertEquals(201, second.statusCode());
        assertEquals(false, second.jsonPath().getBoolean("restricted"));
        assertEquals(List.of(), second.jsonPath().getList("managers"));

        Response list = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant)).get(AGENTS, tenant);
        assertEquals(200, list.statusCode());
        assertEquals(List.of(agent, second.jsonPath().getMap("")), list.jsonPath().getList("data"));
    }

    @Test
    void listOfAnUnknownTenantIsEmpty() {
        String tenant = GatewayHarness.uniqueTenant();
        Response list = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant)).get(AGENTS, tenant);
        assertEquals(200, list.statusCode());
        assertEquals(Map.of("data", List.of()), list.jsonPath().getMap(""));
    }

    @Test
    void duplicateNameIs409() {
        String tenant = GatewayHarness.uniqueTenant();
        assertEquals(201, post(tenant, adminToken(tenant), Map.of("name", "helper")).statusCode());
        assertError(post(tenant, adminToken(tenant), Map.of("name", "helper")), 409, "agent_exists");
    }

    @Test
    void missingTokenIs401() {
        assertError(post("acme", null, Map.of("name", "x")), 401, "unauthenticated");
        assertError(GATEWAY.given().get(AGENTS, "acme"), 401, "unauthenticated");
    }

    @Test
    void nonAdminTokenIs403() {
        assertError(post("acme", token("acme", "alice"), Map.of("name", "x")), 403, "admin_required");
        assertError(GATEWAY.given().header("Authorization", "Bearer " + token("acme", "alice")).get(AGENTS, "acme"),
                403, "admin_required");
    }

    @Test
    void adminOfAnotherTenantIs403() {
        assertError(post("acme", adminToken("other"), Map.of("name", "x")), 403, "admin_required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"\"}", "{\"name\":5}", "{\"name\":\"x\",\"managers\":\"bob\"}",
        "{\"name\":\"x\",\"managers\":[\"\"]}", "{\"name\":\"x\",\"restricted\":\"yes\"}", "not json", "[]"})
    void invalidBodyIs422(String body) {
        String tenant = GatewayHarness.uniqueTenant();
        assertError(post(tenant, adminToken(tenant), body), 422, "invalid_request_body");
        Response list = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant)).get(AGENTS, tenant);
        assertEquals(List.of(), list.jsonPath().getList("data"), "nothing written");
    }

    @Test
    void invalidTenantNameIs422() {
        String tenant = "-bad";
        assertError(post(tenant, adminToken(tenant), Map.of("name", "x")), 422, "invalid_argument");
    }

    @Test
    void expiredAdminTokenIs401() {
        String tenant = GatewayHarness.uniqueTenant();
        String expired = new io.sessiongateway.server.auth.TokenMinter(GatewayHarness.SECRET.getBytes(),
                GatewayHarness.ISSUER).mint(new io.sessiongateway.server.auth.TokenMinter.Grant(tenant, "root",
                "user", null, List.of(), null, true, Duration.ofSeconds(1)), java.time.Instant.now().minusSeconds(600));
        assertError(post(tenant, expired, Map.of("name", "x")), 401, "unauthenticated");
    }

    @Test
    void pathsOutsideEveryDialectUseTheGatewayEnvelope() {
        Response r = GATEWAY.givenUndocumented("admin/admin.yaml", "AdminError").get("/no/such/thing");
        assertError(r, 404, "route_not_found");
    }
}
