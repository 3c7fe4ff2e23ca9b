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
                "restricted", true, "ids", ids, "team", agent.get("team"), "created_at", agent.get("created_at")),
                agent);
        Response teams = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/tenants/{t}/teams", tenant);
        assertEquals(agent.get("team"), teams.jsonPath().getString("data[0].id"), "the default team");
        assertEquals(true, teams.jsonPath().getBoolean("data[0].default"));
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
    void teamsAreCreatedListedAndAgentsJoinThem() {
        String tenant = GatewayHarness.uniqueTenant();
        Response team = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .contentType("application/json").body(Map.of("name", "research"))
                .post("/admin/v1/tenants/{t}/teams", tenant);
        assertEquals(201, team.statusCode(), team.asString());
        String teamId = team.jsonPath().getString("id");
        assertEquals(Map.of("id", teamId, "name", "research", "default", false, "created_at",
                team.jsonPath().getString("created_at")), team.jsonPath().getMap(""));
        assertError(GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .contentType("application/json").body(Map.of("name", "research"))
                .post("/admin/v1/tenants/{t}/teams", tenant), 409, "team_exists");

        Response byId = post(tenant, adminToken(tenant), Map.of("name", "a1", "team", teamId));
        assertEquals(teamId, byId.jsonPath().getString("team"));
        Response byName = post(tenant, adminToken(tenant), Map.of("name", "a2", "team", "research"));
        assertEquals(teamId, byName.jsonPath().getString("team"));
        Response list = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/tenants/{t}/teams", tenant);
        assertEquals(List.of(true, false), list.jsonPath().getList("data.default"));
    }

    @Test
    void apiKeysAreShownOnceListedWithoutSecretAndRevocable() {
        String tenant = GatewayHarness.uniqueTenant();
        java.util.UUID account = java.util.UUID.randomUUID();
        Map<String, Object> created = GATEWAY.createKey(tenant, "recoup", "bot", account, List.of());
        String secret = (String) created.get("secret");
        assertTrue(secret.matches("rcp_[A-Za-z0-9_-]{43}"), secret);
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) created.get("key");
        assertEquals(secret.substring(0, 12), key.get("display"));
        assertEquals(account.toString(), key.get("account"));
        assertEquals(null, key.get("revoked_at"));

        Response list = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/tenants/{t}/api-keys", tenant);
        assertEquals(List.of(key), list.jsonPath().getList("data"));
        assertTrue(!list.asString().contains(secret), "the secret is never listed");

        GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .delete("/admin/v1/tenants/{t}/api-keys/{id}", tenant, key.get("id")).then().statusCode(204);
        Response after = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/tenants/{t}/api-keys", tenant);
        assertTrue(after.jsonPath().getString("data[0].revoked_at") != null);
        assertError(GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .delete("/admin/v1/tenants/{t}/api-keys/{id}", tenant, java.util.UUID.randomUUID()), 404,
                "api_key_not_found");
        assertError(GATEWAY.given().header("Authorization", "Bearer " + adminToken("other"))
                .delete("/admin/v1/tenants/{t}/api-keys/{id}", tenant, key.get("id")), 403, "admin_required");
    }

    @Test
    void invalidKeyRequestsAre422() {
        String tenant = GatewayHarness.uniqueTenant();
        for (String body : List.of("{}", "{\"dialect\":\"truefoundry\",\"name\":\"n\",\"subject_id\":\"s\"}",
                "{\"dialect\":\"recoup\",\"subject_id\":\"s\"}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"account\":\"nope\"}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"teams\":[\"x\"]}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"expires_at\":\"2001-01-01T00:00:00Z\"}")) {
            Response r = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                    .contentType("application/json").body(body).post("/admin/v1/tenants/{t}/api-keys", tenant);
            assertError(r, 422, "invalid_request_body");
        }
    }

    @Test
    void sessionShowFindsASessionByEveryIdItHas() {
        String tenant = GatewayHarness.uniqueTenant();
        GATEWAY.createAgent(tenant, "helper", List.of(), false);
        Response created = GATEWAY.given().header("Authorization", "Bearer " + token(tenant, "alice"))
                .contentType("application/json").body(Map.of("agent_name", "helper"))
                .post("/{t}/v1/agents/sessions", tenant);
        String id = created.jsonPath().getString("data.id");
        Response shown = GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/sessions/{id}", id);
        assertEquals(200, shown.statusCode(), shown.asString());
        Map<String, Object> view = shown.jsonPath().getMap("");
        assertEquals(Map.of("truefoundry", id, "everruns", id, "recoup", id, "agentcloud",
                shown.jsonPath().getString("ids.agentcloud")), view.get("ids"));
        assertEquals("created", view.get("status"));
        assertEquals(Map.of("everruns", "started", "agentcloud", "started", "recoup", "running"), view.get("statuses"));
        String objectId = shown.jsonPath().getString("ids.agentcloud");
        assertEquals(view, GATEWAY.given().header("Authorization", "Bearer " + adminToken(tenant))
                .get("/admin/v1/sessions/{id}", objectId).jsonPath().getMap(""));
        assertEquals(view, GATEWAY.given().header("Authorization", "Bearer " + adminToken("*"))
                .get("/admin/v1/sessions/{id}", id).jsonPath().getMap(""), "an operator finds it too");
        assertError(GATEWAY.given().header("Authorization", "Bearer " + adminToken("elsewhere"))
                .get("/admin/v1/sessions/{id}", id), 404, "session_not_found");
        assertError(GATEWAY.given().header("Authorization", "Bearer " + token(tenant, "alice"))
                .get("/admin/v1/sessions/{id}", id), 403, "admin_required");
        assertError(GATEWAY.given().get("/admin/v1/sessions/{id}", id), 401, "unauthenticated");
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
