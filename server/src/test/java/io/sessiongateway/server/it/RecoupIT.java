package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.server.testing.GatewayHarness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recoup over real HTTP: account ownership, exactly-one credential, every declared status. */
class RecoupIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();
    private static final String ERROR_DOC = "recoup/get-session.yaml";

    static String tenant;
    static UUID account;
    static UUID otherAccount;

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        otherAccount = UUID.randomUUID();
    }

    static String bearer(UUID acct) {
        return "Bearer " + fullToken(tenant, "user-" + acct, acct, List.of());
    }

    static Response create(Map<String, String> headers, Object body) {
        var r = GATEWAY.given().headers(headers);
        if (body != null) {
            r.contentType("application/json").body(body);
        }
        return r.post("/api/sessions");
    }

    static Response get(Map<String, String> headers, String id) {
        return GATEWAY.given().headers(headers).get("/api/sessions/{id}", id);
    }

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("error", "status"), body.keySet().stream().sorted().toList(), r.asString());
        assertEquals("error", body.get("status"));
        assertTrue(body.get("error") instanceof String s && !s.isBlank());
    }

    @Test
    void emptyCreateGetsACityTitleAProvisioningSandboxAndAChat() {
        Response r = create(Map.of("Authorization", bearer(account)), null);
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> s = r.jsonPath().getMap("session");
        String id = (String) s.get("id");
        assertTrue(id.matches("^session_[0-9a-f]{32}$"), id);
        Map<String, Object> expected = new HashMap<>();
        for (String k : List.of("repoOwner", "repoName", "branch", "artistId", "lastActivityAt", "sandboxExpiresAt",
                "hibernateAfter", "lifecycleRunId", "lifecycleError", "snapshotUrl", "snapshotCreatedAt",
                "snapshotSizeBytes", "cachedDiff", "cachedDiffUpdatedAt")) {
            expected.put(k, null);
        }
        expected.put("id", id);
        expected.put("userId", account.toString());
        expected.put("title", s.get("title"));
        expected.put("status", "running");
        expected.put("cloneUrl", "https://github.com/recoupable/" + account);
        expected.put("isNewBranch", false);
        expected.put("globalSkillRefs", List.of());
        expected.put("sandboxState", Map.of("type", "vercel"));
        expected.put("lifecycleState", "provisioning");
        expected.put("lifecycleVersion", 0);
        expected.put("linesAdded", 0);
        expected.put("linesRemoved", 0);
        expected.put("createdAt", s.get("createdAt"));
        expected.put("updatedAt", s.get("createdAt"));
        assertEquals(expected, s, "every listed property is present, null or not");
        assertTrue(((String) s.get("title")).matches("[A-Z][A-Za-z ]+( \\d+)?"), (String) s.get("title"));

        Map<String, Object> chat = r.jsonPath().getMap("chat");
        assertEquals(id, chat.get("sessionId"));
        assertEquals("New chat", chat.get("title"));
        assertEquals(null, chat.get("activeStreamId"));

        Response read = get(Map.of("Authorization", bearer(account)), id);
        assertEquals(200, read.statusCode(), read.asString());
        assertEquals(Map.of("session", s), read.jsonPath().getMap(""));
    }

    @Test
    void titlesAndArtistsAreKeptAndDefaultTitlesAreNotReused() {
        UUID artist = UUID.randomUUID();
        Response r = create(Map.of("Authorization", bearer(account)), Map.of("title", "  Mixdown  ",
                "artistId", artist.toString()));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("Mixdown", r.jsonPath().getString("session.title"));
        assertEquals(artist.toString(), r.jsonPath().getString("session.artistId"));
        String a = create(Map.of("Authorization", bearer(account)), Map.of("title", "   ")).jsonPath()
                .getString("session.title");
        String b = create(Map.of("Authorization", bearer(account)), Map.of()).jsonPath().getString("session.title");
        assertNotEquals(a, b, "a default title is one the account has not used");
    }

    @Test
    void organisationSessionsUseTheTenantAndOthersAre403() {
        Response mine = create(Map.of("Authorization", bearer(account)), null);
        String orgHex = GATEWAY.given().header("Authorization", "Bearer " + GatewayHarness.adminToken(tenant))
                .get("/admin/v1/sessions/{id}", mine.jsonPath().getString("session.id")).jsonPath()
                .getString("agent.ids.everruns");
        assertTrue(orgHex.startsWith("agent_"));
        UUID tenantId = tenantUuid();
        Response org = create(Map.of("Authorization", bearer(account)), Map.of("organizationId", tenantId.toString()));
        assertEquals(200, org.statusCode(), org.asString());
        assertEquals("https://github.com/recoupable/" + tenantId, org.jsonPath().getString("session.cloneUrl"));
        assertError(create(Map.of("Authorization", bearer(account)),
                Map.of("organizationId", UUID.randomUUID().toString())), 403);
    }

    /** The tenant's canonical id, read as Everruns' organization_id of a session it holds. */
    static UUID tenantUuid() {
        GATEWAY.createAgent(tenant, "probe-" + UUID.randomUUID().toString().substring(0, 6), List.of(), false);
        String agentId = GATEWAY.given().header("Authorization", "Bearer " + GatewayHarness.adminToken(tenant))
                .get("/admin/v1/tenants/{t}/agents", tenant).jsonPath().getString("data[0].ids.everruns");
        Response s = GATEWAY.given().header("Authorization", "Bearer " + GatewayHarness.token(tenant, "probe"))
                .contentType("application/json").body(Map.of("agent_id", agentId)).post("/v1/sessions");
        return Ids.parsePrefixed("org", s.jsonPath().getString("organization_id")).orElseThrow();
    }

    @Test
    void anotherAccountsSessionIs403AndUnknownIs404() {
        String id = create(Map.of("Authorization", bearer(account)), null).jsonPath().getString("session.id");
        assertError(get(Map.of("Authorization", bearer(otherAccount)), id), 403);
        assertError(get(Map.of("Authorization", bearer(account)), "session_" + "0".repeat(32)), 404);
        assertError(get(Map.of("Authorization", bearer(account)), "anything-at-all"), 404);
        String elsewhere = "Bearer " + fullToken("elsewhere", "u", account, List.of());
        assertError(get(Map.of("Authorization", elsewhere), id), 404);
    }

    @Test
    void apiKeysWorkAndRevocationIsImmediate() {
        Map<String, Object> created = GATEWAY.createKey(tenant, "recoup", "bot", account, List.of());
        String secret = (String) created.get("secret");
        Response r = create(Map.of("x-api-key", secret), Map.of("title", "via key"));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(account.toString(), r.jsonPath().getString("session.userId"));
        String id = r.jsonPath().getString("session.id");
        assertEquals(200, get(Map.of("Authorization", bearer(account)), id).statusCode(), "same account, other credential");
        @SuppressWarnings("unchecked")
        String keyId = (String) ((Map<String, Object>) created.get("key")).get("id");
        GATEWAY.given().header("Authorization", "Bearer " + GatewayHarness.adminToken(tenant))
                .delete("/admin/v1/tenants/{t}/api-keys/{id}", tenant, keyId).then().statusCode(204);
        assertError(get(Map.of("x-api-key", secret), id), 401);
    }

    @Test
    void exactlyOneCredentialIsRequired() {
        String secret = (String) GATEWAY.createKey(tenant, "recoup", "bot2", account, List.of()).get("secret");
        String id = create(Map.of("x-api-key", secret), null).jsonPath().getString("session.id");
        assertError(get(Map.of("x-api-key", secret, "Authorization", bearer(account)), id), 401);
        assertError(get(Map.of(), id), 401);
        assertError(create(Map.of("x-api-key", secret, "Authorization", bearer(account)), null), 401);
        assertError(get(Map.of("x-api-key", "rcp_unknown"), id), 401);
        assertError(get(Map.of("Authorization", "Bearer " + secret), id), 401);
        assertError(get(Map.of("Authorization", "Bearer " + GatewayHarness.token(tenant, "no-account")), id), 403);
        assertError(create(Map.of("Authorization", "Bearer " + GatewayHarness.token(tenant, "no-account")), null), 401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\":null}", "{\"title\":5}", "{\"artistId\":\"nope\"}",
        "{\"organizationId\":\"nope\"}", "[]", "not json", "{\"artistId\":null}"})
    void invalidBodyIs400(String body) {
        assertError(create(Map.of("Authorization", bearer(account)), body), 400);
    }

    @Test
    void errorsBeforeTheAdapterUseTheRecoupEnvelope() {
        assertError(GATEWAY.givenUndocumented(ERROR_DOC, "Error").delete("/api/sessions/x"), 405);
        assertError(GATEWAY.givenUndocumented(ERROR_DOC, "Error").get("/api/nothing"), 404);
        assertError(GATEWAY.givenUndocumented(ERROR_DOC, "Error").header("Authorization", bearer(account))
                .contentType("text/plain").body("x").post("/api/sessions"), 415);
    }
}
