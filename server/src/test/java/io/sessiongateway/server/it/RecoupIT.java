package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.RecoupClient;
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

    static final Clients CLIENTS = GATEWAY.clients();
    static final RecoupClient RECOUP = GATEWAY.clients().recoup();
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

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("error", "status"), body.keySet().stream().sorted().toList(), r.asString());
        assertEquals("error", body.get("status"));
        assertTrue(body.get("error") instanceof String s && !s.isBlank());
    }

    @Test
    void emptyCreateGetsACityTitleAProvisioningSandboxAndAChat() {
        Response r =
                RECOUP.withHeaders(Map.of("Authorization", bearer(account))).create(null);
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> s = r.jsonPath().getMap("session");
        String id = (String) s.get("id");
        assertTrue(id.matches("^session_[0-9a-f]{32}$"), id);
        Map<String, Object> expected = new HashMap<>();
        for (String k : List.of(
                "repoOwner",
                "repoName",
                "branch",
                "artistId",
                "lastActivityAt",
                "sandboxExpiresAt",
                "hibernateAfter",
                "lifecycleRunId",
                "lifecycleError",
                "snapshotUrl",
                "snapshotCreatedAt",
                "snapshotSizeBytes",
                "cachedDiff",
                "cachedDiffUpdatedAt")) {
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

        Response read =
                RECOUP.withHeaders(Map.of("Authorization", bearer(account))).get(id);
        assertEquals(200, read.statusCode(), read.asString());
        assertEquals(Map.of("session", s), read.jsonPath().getMap(""));
    }

    @Test
    void titlesAndArtistsAreKeptAndDefaultTitlesAreNotReused() {
        UUID artist = UUID.randomUUID();
        Response r = RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                .create(Map.of("title", "  Mixdown  ", "artistId", artist.toString()));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("Mixdown", r.jsonPath().getString("session.title"));
        assertEquals(artist.toString(), r.jsonPath().getString("session.artistId"));
        String a = RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                .create(Map.of("title", "   "))
                .jsonPath()
                .getString("session.title");
        String b = RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                .create(Map.of())
                .jsonPath()
                .getString("session.title");
        assertNotEquals(a, b, "a default title is one the account has not used");
    }

    @Test
    void organisationSessionsUseTheTenantAndOthersAre403() {
        Response mine =
                RECOUP.withHeaders(Map.of("Authorization", bearer(account))).create(null);
        String orgHex = CLIENTS.admin(tenant)
                .showSession(mine.jsonPath().getString("session.id"))
                .jsonPath()
                .getString("agent.ids.everruns");
        assertTrue(orgHex.startsWith("agent_"));
        UUID tenantId = tenantUuid();
        Response org = RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                .create(Map.of("organizationId", tenantId.toString()));
        assertEquals(200, org.statusCode(), org.asString());
        assertEquals("https://github.com/recoupable/" + tenantId, org.jsonPath().getString("session.cloneUrl"));
        assertError(
                RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                        .create(Map.of("organizationId", UUID.randomUUID().toString())),
                403);
    }

    /** The tenant's canonical id, read as Everruns' organization_id of a session it holds. */
    static UUID tenantUuid() {
        GATEWAY.provisioning()
                .agent(tenant, "probe-" + UUID.randomUUID().toString().substring(0, 6), List.of(), false);
        String agentId = CLIENTS.admin(tenant).listAgents(tenant).jsonPath().getString("data[0].ids.everruns");
        Response s =
                CLIENTS.everruns().bearer(GatewayHarness.token(tenant, "probe")).create(Map.of("agent_id", agentId));
        return Ids.parsePrefixed("org", s.jsonPath().getString("organization_id"))
                .orElseThrow();
    }

    @Test
    void anotherAccountsSessionIs403AndUnknownIs404() {
        String id = RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                .create(null)
                .jsonPath()
                .getString("session.id");
        assertError(
                RECOUP.withHeaders(Map.of("Authorization", bearer(otherAccount)))
                        .get(id),
                403);
        assertError(RECOUP.withHeaders(Map.of("Authorization", bearer(account))).get("session_" + "0".repeat(32)), 404);
        assertError(RECOUP.withHeaders(Map.of("Authorization", bearer(account))).get("anything-at-all"), 404);
        String elsewhere = "Bearer " + fullToken("elsewhere", "u", account, List.of());
        assertError(RECOUP.withHeaders(Map.of("Authorization", elsewhere)).get(id), 404);
    }

    @Test
    void apiKeysWorkAndRevocationIsImmediate() {
        Map<String, Object> created = GATEWAY.provisioning()
                .key(tenant, "recoup", "bot", account, List.of())
                .json();
        String secret = (String) created.get("secret");
        Response r = RECOUP.withHeaders(Map.of("x-api-key", secret)).create(Map.of("title", "via key"));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(account.toString(), r.jsonPath().getString("session.userId"));
        String id = r.jsonPath().getString("session.id");
        assertEquals(
                200,
                RECOUP.withHeaders(Map.of("Authorization", bearer(account)))
                        .get(id)
                        .statusCode(),
                "same account, other credential");
        @SuppressWarnings("unchecked")
        String keyId = (String) ((Map<String, Object>) created.get("key")).get("id");
        CLIENTS.admin(tenant).revokeApiKey(tenant, keyId).then().statusCode(204);
        assertError(RECOUP.withHeaders(Map.of("x-api-key", secret)).get(id), 401);
    }

    @Test
    void exactlyOneCredentialIsRequired() {
        String secret = GATEWAY.provisioning()
                .key(tenant, "recoup", "bot2", account, List.of())
                .secret();
        String id = RECOUP.withHeaders(Map.of("x-api-key", secret))
                .create(null)
                .jsonPath()
                .getString("session.id");
        assertError(
                RECOUP.withHeaders(Map.of("x-api-key", secret, "Authorization", bearer(account)))
                        .get(id),
                401);
        assertError(RECOUP.get(id), 401);
        assertError(
                RECOUP.withHeaders(Map.of("x-api-key", secret, "Authorization", bearer(account)))
                        .create(null),
                401);
        assertError(RECOUP.withHeaders(Map.of("x-api-key", "rcp_unknown")).get(id), 401);
        assertError(
                RECOUP.withHeaders(Map.of("Authorization", "Bearer " + secret)).get(id), 401);
        assertError(
                RECOUP.withHeaders(Map.of("Authorization", "Bearer " + GatewayHarness.token(tenant, "no-account")))
                        .get(id),
                403);
        assertError(
                RECOUP.withHeaders(Map.of("Authorization", "Bearer " + GatewayHarness.token(tenant, "no-account")))
                        .create(null),
                401);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"title\":null}",
                "{\"title\":5}",
                "{\"artistId\":\"nope\"}",
                "{\"organizationId\":\"nope\"}",
                "[]",
                "not json",
                "{\"artistId\":null}"
            })
    void invalidBodyIs400(String body) {
        assertError(RECOUP.withHeaders(Map.of("Authorization", bearer(account))).create(body), 400);
    }

    @Test
    void errorsBeforeTheAdapterUseTheRecoupEnvelope() {
        assertError(GATEWAY.givenUndocumented(ERROR_DOC, "Error").put("/api/sessions/x"), 405);
        assertError(GATEWAY.givenUndocumented(ERROR_DOC, "Error").get("/api/nothing"), 404);
        assertError(
                GATEWAY.givenUndocumented(ERROR_DOC, "Error")
                        .header("Authorization", bearer(account))
                        .contentType("text/plain")
                        .body("x")
                        .post("/api/sessions"),
                415);
    }
}
