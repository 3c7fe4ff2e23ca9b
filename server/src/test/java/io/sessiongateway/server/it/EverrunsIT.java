package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.EverrunsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everruns over real HTTP: every declared status, JWT and evr_ keys, organisation isolation. */
class EverrunsIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final EverrunsClient EVERRUNS = GATEWAY.clients().everruns();
    private static final String ERROR_DOC = "everruns/get-session.yaml";

    static String org;
    static String otherOrg;
    static String agentId;
    static String restrictedAgentId;
    static String otherOrgAgentId;

    @BeforeAll
    static void provision() {
        org = GatewayHarness.uniqueTenant();
        otherOrg = GatewayHarness.uniqueTenant();
        agentId = GATEWAY.provisioning()
                .agent(org, "coder", List.of("bob"), false)
                .everrunsId();
        restrictedAgentId =
                GATEWAY.provisioning().agent(org, "vault", List.of("bob"), true).everrunsId();
        otherOrgAgentId = GATEWAY.provisioning()
                .agent(otherOrg, "coder", List.of(), false)
                .everrunsId();
    }

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"));
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("error"), List.copyOf(body.keySet()), r.asString());
        assertTrue(body.get("error") instanceof String s && !s.isBlank());
    }

    @Test
    void createWithEveryFieldThenReadBack() {
        Map<String, Object> body = new HashMap<>();
        body.put("agent_id", agentId);
        body.put("title", "Refactor the parser");
        body.put("tags", List.of("a", "b"));
        body.put("model_id", "model_01933b5a000070008000000000000001");
        body.put(
                "capabilities",
                List.of(Map.of("ref", "web_search", "config", Map.of("depth", 2)), Map.of("ref", "shell")));
        Response r = EVERRUNS.bearer(token(org, "alice")).create(body);
        assertEquals(201, r.statusCode(), r.asString());
        Map<String, Object> s = r.jsonPath().getMap("");
        String id = (String) s.get("id");
        assertTrue(id.matches("^session_[0-9a-f]{32}$"), id);
        Map<String, Object> expected = new HashMap<>();
        expected.put("id", id);
        expected.put("agent_id", agentId);
        expected.put("organization_id", s.get("organization_id"));
        expected.put("status", "started");
        expected.put("title", "Refactor the parser");
        expected.put("tags", List.of("a", "b"));
        expected.put("model_id", "model_01933b5a000070008000000000000001");
        expected.put(
                "capabilities",
                List.of(Map.of("ref", "web_search", "config", Map.of("depth", 2)), Map.of("ref", "shell")));
        expected.put("created_at", s.get("created_at"));
        expected.put("updated_at", s.get("updated_at"));
        expected.put("is_pinned", false);
        assertEquals(expected, s, "absent optional fields are omitted, not null; is_pinned is the caller's");
        assertTrue(((String) s.get("organization_id")).matches("^org_[0-9a-f]{32}$"));

        Response read = EVERRUNS.bearer(token(org, "carol")).get(id);
        assertEquals(200, read.statusCode(), "any member of the organisation reads it");
        assertEquals(s, read.jsonPath().getMap(""));
    }

    @Test
    void minimalCreateOmitsEveryOptionalField() {
        Response r = EVERRUNS.bearer(token(org, "alice")).create(Map.of("agent_id", agentId));
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals(
                List.of("agent_id", "created_at", "id", "is_pinned", "organization_id", "status", "updated_at"),
                r.jsonPath().getMap("").keySet().stream().sorted().toList());
    }

    @Test
    void apiKeysWorkInEveryHeaderFormAndRevocationIsImmediate() {
        Map<String, Object> created = GATEWAY.provisioning()
                .key(org, "everruns", "ci-bot", null, List.of())
                .json();
        String secret = (String) created.get("secret");
        assertTrue(secret.startsWith("evr_"), secret);
        for (String header : List.of(secret, "ApiKey " + secret, "Bearer " + secret)) {
            Response r = EVERRUNS.as(header).create(Map.of("agent_id", agentId));
            assertEquals(201, r.statusCode(), header.substring(0, 10) + ": " + r.asString());
            assertEquals(
                    200, EVERRUNS.as(header).get(r.jsonPath().getString("id")).statusCode());
        }
        @SuppressWarnings("unchecked")
        String keyId = (String) ((Map<String, Object>) created.get("key")).get("id");
        CLIENTS.admin(org).revokeApiKey(org, keyId).then().statusCode(204);
        assertError(EVERRUNS.as(secret).create(Map.of("agent_id", agentId)), 401);
    }

    @Test
    void aRecoupKeyIsNotAnEverrunsKey() {
        String secret = GATEWAY.provisioning()
                .key(org, "recoup", "bot", UUID.randomUUID(), List.of())
                .secret();
        assertError(EVERRUNS.as("ApiKey " + secret).create(Map.of("agent_id", agentId)), 401);
        assertError(EVERRUNS.as("evr_" + secret.substring(4)).create(Map.of("agent_id", agentId)), 401);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "session_01933b5a00007000800000000000001",
                "session_01933B5A000070008000000000000001",
                "01933b5a000070008000000000000001",
                "agent_01933b5a000070008000000000000001",
                "x"
            })
    void malformedIdIs400(String id) {
        assertError(EVERRUNS.bearer(token(org, "alice")).get(id), 400);
    }

    @Test
    void unknownSessionIs404() {
        assertError(EVERRUNS.bearer(token(org, "alice")).get("session_" + "0".repeat(32)), 404);
    }

    @Test
    void anotherOrganisationsSessionIs404() {
        Response r = EVERRUNS.bearer(token(otherOrg, "alice")).create(Map.of("agent_id", otherOrgAgentId));
        assertEquals(201, r.statusCode());
        assertError(EVERRUNS.bearer(token(org, "alice")).get(r.jsonPath().getString("id")), 404);
    }

    @Test
    void anotherOrganisationsAgentIs404() {
        assertError(EVERRUNS.bearer(token(org, "alice")).create(Map.of("agent_id", otherOrgAgentId)), 404);
    }

    @Test
    void restrictedAgentIs404ForNonManagersAndWorksForManagers() {
        assertError(EVERRUNS.bearer(token(org, "alice")).create(Map.of("agent_id", restrictedAgentId)), 404);
        assertEquals(
                201,
                EVERRUNS.bearer(token(org, "bob"))
                        .create(Map.of("agent_id", restrictedAgentId))
                        .statusCode());
    }

    @Test
    void missingOrBadCredentialsAre401() {
        assertError(EVERRUNS.get("session_" + "0".repeat(32)), 401);
        assertError(EVERRUNS.as("Bearer nonsense").get("session_" + "0".repeat(32)), 401);
        assertError(EVERRUNS.as("evr_nonsense").get("session_" + "0".repeat(32)), 401);
        assertError(EVERRUNS.create(Map.of("agent_id", agentId)), 401);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"agent_id\":\"agent_x\"}",
                "{\"agent_id\":5}",
                "not json",
                "{\"agent_id\":\"AGENT\"}",
                "{\"agent_id\":\"%s\",\"tags\":\"a\"}",
                "{\"agent_id\":\"%s\",\"tags\":[1]}",
                "{\"agent_id\":\"%s\",\"model_id\":\"model_1\"}",
                "{\"agent_id\":\"%s\",\"capabilities\":[{}]}",
                "{\"agent_id\":\"%s\",\"title\":7}"
            })
    void invalidCreateIs400AndWritesNothing(String template) {
        Response r = EVERRUNS.bearer(token(org, "alice")).create(template.replace("%s", agentId));
        assertError(r, 400);
    }

    @Test
    void errorsBeforeTheAdapterUseTheEverrunsEnvelope() {
        Response unknown = GATEWAY.givenUndocumented(ERROR_DOC, "ErrorResponse").get("/v1/nothing");
        assertError(unknown, 404);
        Response method = GATEWAY.givenUndocumented(ERROR_DOC, "ErrorResponse").delete("/v1/sessions");
        assertError(method, 405);
        Response media = GATEWAY.givenUndocumented(ERROR_DOC, "ErrorResponse")
                .header("Authorization", "Bearer " + token(org, "alice"))
                .contentType("text/plain")
                .body("x")
                .post("/v1/sessions");
        assertError(media, 415);
        assertFalse(media.asString().contains("Exception"));
    }
}
