package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.auth.TokenMinter.Grant;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API: agents of a tenant, admin tokens only, every declared status. */
class AdminIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

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
        Response r = CLIENTS.admin(tenant)
                .createAgent(
                        tenant,
                        Map.of("name", "helper", "managers", List.of("bob", "bob", "carol"), "restricted", true));
        assertEquals(201, r.statusCode(), r.asString());
        Map<String, Object> agent = r.jsonPath().getMap("");
        String id = (String) agent.get("id");
        Map<String, Object> ids = r.jsonPath().getMap("ids");
        assertEquals(
                Map.of(
                        "id",
                        id,
                        "tenant",
                        tenant,
                        "name",
                        "helper",
                        "managers",
                        List.of("bob", "carol"),
                        "restricted",
                        true,
                        "ids",
                        ids,
                        "team",
                        agent.get("team"),
                        "responder",
                        "echo",
                        "created_at",
                        agent.get("created_at")),
                agent);
        Response teams = CLIENTS.admin(tenant).listTeams(tenant);
        assertEquals(agent.get("team"), teams.jsonPath().getString("data[0].id"), "the default team");
        assertEquals(true, teams.jsonPath().getBoolean("data[0].default"));
        assertEquals("helper", ids.get("truefoundry"));
        assertEquals("agent_" + id.replace("-", ""), ids.get("everruns"));
        assertTrue(((String) ids.get("agentcloud")).matches("[0-9a-f]{24}"));

        Response second = CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "other"));
        assertEquals(201, second.statusCode());
        assertEquals(false, second.jsonPath().getBoolean("restricted"));
        Response none = CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "external", "responder", "none"));
        assertEquals(201, none.statusCode(), none.asString());
        assertEquals("none", none.jsonPath().getString("responder"));
        assertEquals(List.of(), second.jsonPath().getList("managers"));

        Response list = CLIENTS.admin(tenant).listAgents(tenant);
        assertEquals(200, list.statusCode());
        assertEquals(
                List.of(agent, second.jsonPath().getMap(""), none.jsonPath().getMap("")),
                list.jsonPath().getList("data"));
    }

    @Test
    void teamsAreCreatedListedAndAgentsJoinThem() {
        String tenant = GatewayHarness.uniqueTenant();
        Response team = CLIENTS.admin(tenant).createTeam(tenant, Map.of("name", "research"));
        assertEquals(201, team.statusCode(), team.asString());
        String teamId = team.jsonPath().getString("id");
        assertEquals(
                Map.of(
                        "id",
                        teamId,
                        "name",
                        "research",
                        "default",
                        false,
                        "created_at",
                        team.jsonPath().getString("created_at")),
                team.jsonPath().getMap(""));
        assertError(CLIENTS.admin(tenant).createTeam(tenant, Map.of("name", "research")), 409, "team_exists");

        Response byId = CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "a1", "team", teamId));
        assertEquals(teamId, byId.jsonPath().getString("team"));
        Response byName = CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "a2", "team", "research"));
        assertEquals(teamId, byName.jsonPath().getString("team"));
        Response list = CLIENTS.admin(tenant).listTeams(tenant);
        assertEquals(List.of(true, false), list.jsonPath().getList("data.default"));
    }

    @Test
    void apiKeysAreShownOnceListedWithoutSecretAndRevocable() {
        String tenant = GatewayHarness.uniqueTenant();
        UUID account = UUID.randomUUID();
        Map<String, Object> created = GATEWAY.provisioning()
                .key(tenant, "recoup", "bot", account, List.of())
                .json();
        String secret = (String) created.get("secret");
        assertTrue(secret.matches("rcp_[A-Za-z0-9_-]{43}"), secret);
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) created.get("key");
        assertEquals(secret.substring(0, 12), key.get("display"));
        assertEquals(account.toString(), key.get("account"));
        assertEquals(null, key.get("revoked_at"));

        Response list = CLIENTS.admin(tenant).listApiKeys(tenant);
        assertEquals(List.of(key), list.jsonPath().getList("data"));
        assertTrue(!list.asString().contains(secret), "the secret is never listed");

        CLIENTS.admin(tenant)
                .revokeApiKey(tenant, (String) key.get("id"))
                .then()
                .statusCode(204);
        Response after = CLIENTS.admin(tenant).listApiKeys(tenant);
        assertTrue(after.jsonPath().getString("data[0].revoked_at") != null);
        assertError(CLIENTS.admin(tenant).revokeApiKey(tenant, UUID.randomUUID().toString()), 404, "api_key_not_found");
        assertError(CLIENTS.admin("other").revokeApiKey(tenant, (String) key.get("id")), 403, "admin_required");
    }

    @Test
    void invalidKeyRequestsAre422() {
        String tenant = GatewayHarness.uniqueTenant();
        for (String body : List.of(
                "{}",
                "{\"dialect\":\"truefoundry\",\"name\":\"n\",\"subject_id\":\"s\"}",
                "{\"dialect\":\"recoup\",\"subject_id\":\"s\"}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"account\":\"nope\"}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"teams\":[\"x\"]}",
                "{\"dialect\":\"recoup\",\"name\":\"n\",\"subject_id\":\"s\",\"expires_at\":\"2001-01-01T00:00:00Z\"}")) {
            Response r = CLIENTS.admin(tenant).createApiKey(tenant, body);
            assertError(r, 422, "invalid_request_body");
        }
    }

    @Test
    void sessionShowFindsASessionByEveryIdItHas() {
        String tenant = GatewayHarness.uniqueTenant();
        GATEWAY.provisioning().agent(tenant, "helper", List.of(), false);
        Response created =
                CLIENTS.trueFoundry().bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "helper"));
        String id = created.jsonPath().getString("data.id");
        Response shown = CLIENTS.admin(tenant).showSession(id);
        assertEquals(200, shown.statusCode(), shown.asString());
        Map<String, Object> view = shown.jsonPath().getMap("");
        assertEquals(
                Map.of(
                        "truefoundry",
                        id,
                        "everruns",
                        id,
                        "recoup",
                        id,
                        "agentcloud",
                        shown.jsonPath().getString("ids.agentcloud")),
                view.get("ids"));
        assertEquals("created", view.get("status"));
        assertEquals(Map.of("everruns", "started", "agentcloud", "started", "recoup", "running"), view.get("statuses"));
        String objectId = shown.jsonPath().getString("ids.agentcloud");
        assertEquals(
                view, CLIENTS.admin(tenant).showSession(objectId).jsonPath().getMap(""));
        assertEquals(view, CLIENTS.admin("*").showSession(id).jsonPath().getMap(""), "an operator finds it too");
        assertError(CLIENTS.admin("elsewhere").showSession(id), 404, "session_not_found");
        assertError(CLIENTS.admin().bearer(token(tenant, "alice")).showSession(id), 403, "admin_required");
        assertError(CLIENTS.admin().showSession(id), 401, "unauthenticated");
    }

    @Test
    void listOfAnUnknownTenantIsEmpty() {
        String tenant = GatewayHarness.uniqueTenant();
        Response list = CLIENTS.admin(tenant).listAgents(tenant);
        assertEquals(200, list.statusCode());
        assertEquals(Map.of("data", List.of()), list.jsonPath().getMap(""));
    }

    @Test
    void duplicateNameIs409() {
        String tenant = GatewayHarness.uniqueTenant();
        assertEquals(
                201,
                CLIENTS.admin(tenant)
                        .createAgent(tenant, Map.of("name", "helper"))
                        .statusCode());
        assertError(CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "helper")), 409, "agent_exists");
    }

    @Test
    void missingTokenIs401() {
        assertError(CLIENTS.admin().createAgent("acme", Map.of("name", "x")), 401, "unauthenticated");
        assertError(CLIENTS.admin().listAgents("acme"), 401, "unauthenticated");
    }

    @Test
    void nonAdminTokenIs403() {
        assertError(
                CLIENTS.admin().bearer(token("acme", "alice")).createAgent("acme", Map.of("name", "x")),
                403,
                "admin_required");
        assertError(CLIENTS.admin().bearer(token("acme", "alice")).listAgents("acme"), 403, "admin_required");
    }

    @Test
    void adminOfAnotherTenantIs403() {
        assertError(CLIENTS.admin("other").createAgent("acme", Map.of("name", "x")), 403, "admin_required");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"name\":\"\"}",
                "{\"name\":5}",
                "{\"name\":\"x\",\"managers\":\"bob\"}",
                "{\"name\":\"x\",\"managers\":[\"\"]}",
                "{\"name\":\"x\",\"restricted\":\"yes\"}",
                "not json",
                "[]"
            })
    void invalidBodyIs422(String body) {
        String tenant = GatewayHarness.uniqueTenant();
        assertError(CLIENTS.admin(tenant).createAgent(tenant, body), 422, "invalid_request_body");
        Response list = CLIENTS.admin(tenant).listAgents(tenant);
        assertEquals(List.of(), list.jsonPath().getList("data"), "nothing written");
    }

    @Test
    void invalidTenantNameIs422() {
        String tenant = "-bad";
        assertError(CLIENTS.admin(tenant).createAgent(tenant, Map.of("name", "x")), 422, "invalid_argument");
    }

    @Test
    void expiredAdminTokenIs401() {
        String tenant = GatewayHarness.uniqueTenant();
        String expired = new TokenMinter(GatewayHarness.SECRET.getBytes(UTF_8), GatewayHarness.ISSUER)
                .mint(
                        new Grant(tenant, "root", "user", null, List.of(), null, true, Duration.ofSeconds(1)),
                        Instant.now().minusSeconds(600));
        assertError(CLIENTS.admin().bearer(expired).createAgent(tenant, Map.of("name", "x")), 401, "unauthenticated");
    }

    @Test
    void pathsOutsideEveryDialectUseTheGatewayEnvelope() {
        Response r = GATEWAY.givenUndocumented("admin/admin.yaml", "AdminError").get("/no/such/thing");
        assertError(r, 404, "route_not_found");
    }

    static Stream<Arguments> typedKeyFields() {
        return Stream.of(
                Arguments.of("account", "not-a-uuid", "account must be a UUID"),
                Arguments.of("expires_at", "yesterday", "expires_at must be an RFC 3339 date-time"),
                Arguments.of("name", 5, "name must be a string"),
                Arguments.of("dialect", "agentcloud", "dialect must be one of everruns, recoup, runtime"),
                Arguments.of("teams", "0123456789abcdef01234567", "teams must be an array"),
                Arguments.of("teams", List.of(5), "teams[0] must be a string"));
    }

    /** Issue #17: a badly typed field's message names the type the document expects. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("typedKeyFields")
    void aBadlyTypedKeyFieldNamesItsType(String field, Object value, String message) {
        String tenant = GatewayHarness.uniqueTenant();
        Map<String, Object> body = new HashMap<>(Map.of("dialect", "everruns", "name", "k", "subject_id", "bot"));
        body.put(field, value);
        Response r = CLIENTS.admin(tenant).createApiKey(tenant, body);
        assertEquals(422, r.statusCode(), r.asString());
        assertEquals(
                Map.of("code", "invalid_request_body", "message", message),
                withoutNulls(r.jsonPath().getMap("error")));
        assertEquals(
                Set.of("code", "message", "reference"),
                r.jsonPath().getMap("error").keySet());
    }

    static Stream<Arguments> typedPatchFields() {
        return Stream.of(
                Arguments.of(Map.of("warning", "yes"), "warning must be a boolean"),
                Arguments.of(
                        Map.of("status", "paused"),
                        "status must be one of created, running, waiting, completed, failed, cancelled, archived"),
                Arguments.of(
                        Map.of("usage", Map.of("input_tokens", "many", "output_tokens", 1)),
                        "usage.input_tokens must be an integer"),
                Arguments.of(Map.of("sharing", 5), "sharing must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typedPatchFields")
    void aBadlyTypedSessionFieldNamesItsType(Map<String, Object> body, String message) {
        String tenant = GatewayHarness.uniqueTenant();
        Response r = CLIENTS.admin(tenant).updateSession("session_" + "0".repeat(32), body);
        assertEquals(422, r.statusCode(), r.asString());
        assertEquals(
                Map.of("code", "invalid_request_body", "message", message),
                withoutNulls(r.jsonPath().getMap("error")));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> copy = new HashMap<>(m);
        copy.values().removeIf(v -> v == null);
        return copy;
    }
}
