package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Agentcloud over real HTTP: team-scoped reads with sharing modes, creation from an app, every declared status. */
class AgentcloudIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final AgentcloudClient AGENTCLOUD = GATEWAY.clients().agentcloud();
    private static final String ERROR_DOC = "agentcloud/retrieve-session.yaml";

    static String org;
    static String team;
    static String otherTeam;
    static String app;
    static String otherTeamApp;
    static String orgObjectId;

    @BeforeAll
    static void provision() {
        org = GatewayHarness.uniqueTenant();
        Provisioning.Agent agent = GATEWAY.provisioning().agent(org, "support-bot", List.of(), false);
        team = agent.team();
        app = agent.agentcloudId();
        otherTeam = GATEWAY.provisioning().team(org, "other");
        otherTeamApp =
                GATEWAY.provisioning().agentInTeam(org, "other-bot", otherTeam).agentcloudId();
    }

    static String member(String subject) {
        return "Bearer " + fullToken(org, subject, null, List.of(team));
    }

    static String createAs(String subject) {
        Response r = AGENTCLOUD.as(member(subject)).create(team, Map.of("id", app));
        assertEquals(200, r.statusCode(), r.asString());
        String redirect = r.jsonPath().getString("redirect");
        assertTrue(redirect.matches("^/" + team + "/session/[0-9a-f]{24}$"), redirect);
        assertEquals(Map.of("redirect", redirect), r.jsonPath().getMap(""));
        return redirect.substring(redirect.lastIndexOf('/') + 1);
    }

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("code", "message"), body.keySet().stream().sorted().toList(), r.asString());
        assertEquals(status, body.get("code"));
        assertTrue(body.get("message") instanceof String s && !s.isBlank());
    }

    @Test
    void memberCreatesAndReadsTheWholeSession() {
        String id = createAs("alice");
        Response r = AGENTCLOUD.as(member("bob")).get(team, id);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(
                List.of("csrf", "session"),
                r.jsonPath().getMap("").keySet().stream().sorted().toList());
        assertTrue(r.jsonPath().getString("csrf").matches("^[A-Za-z0-9]{8}-[A-Za-z0-9_-]{27}$"));
        Map<String, Object> session = r.jsonPath().getMap("session");
        Map<String, Object> start = r.jsonPath().getMap("session.startDate");
        assertEquals(
                Map.of(
                        "_id",
                        id,
                        "orgId",
                        session.get("orgId"),
                        "teamId",
                        team,
                        "name",
                        "support-bot",
                        "startDate",
                        start,
                        "lastUpdatedDate",
                        start,
                        "tokensUsed",
                        0,
                        "status",
                        "started",
                        "appId",
                        app,
                        "sharingConfig",
                        Map.of("permissions", Map.of(), "mode", "team")),
                session);
        assertTrue(((String) session.get("orgId")).matches("[0-9a-f]{24}"));
        assertTrue(((String) start.get("$date")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    static void share(String id, String mode, Map<String, String> permissions) {
        CLIENTS.admin(org)
                .updateSession(id, Map.of("sharing", Map.of("mode", mode, "permissions", permissions)))
                .then()
                .statusCode(200);
    }

    @Test
    void publicSessionsAreReadableWithoutCredentials() {
        String id = createAs("alice");
        share(id, "public", Map.of());
        Response anonymous = AGENTCLOUD.get(team, id);
        assertEquals(200, anonymous.statusCode(), anonymous.asString());
        assertEquals("public", anonymous.jsonPath().getString("session.sharingConfig.mode"));
        assertEquals(
                200,
                AGENTCLOUD
                        .as("Bearer " + fullToken("elsewhere", "x", null, List.of()))
                        .get(team, id)
                        .statusCode());
        assertError(AGENTCLOUD.as("Bearer garbage").get(team, id), 403);
    }

    @Test
    void restrictedSessionsAreTheOwnersAndTheGranted() {
        String id = createAs("alice");
        share(id, "restricted", Map.of("carol", "read"));
        assertEquals(200, AGENTCLOUD.as(member("alice")).get(team, id).statusCode());
        assertEquals(200, AGENTCLOUD.as(member("carol")).get(team, id).statusCode());
        assertError(AGENTCLOUD.as(member("bob")).get(team, id), 403);
        Response granted = AGENTCLOUD
                .as("Bearer " + fullToken(org, "dave", null, List.of(otherTeam)))
                .get(team, id);
        assertError(granted, 403);
        share(id, "restricted", Map.of(otherTeam, "read"));
        assertEquals(
                200,
                AGENTCLOUD
                        .as("Bearer " + fullToken(org, "dave", null, List.of(otherTeam)))
                        .get(team, id)
                        .statusCode(),
                "a granted team's members read it");
        assertEquals(
                Map.of(otherTeam, "read"),
                AGENTCLOUD.as(member("alice")).get(team, id).jsonPath().getMap("session.sharingConfig.permissions"));
    }

    @Test
    void nonMembersAndAnonymousCallersAre403ForTeamSessions() {
        String id = createAs("alice");
        assertError(
                AGENTCLOUD
                        .as("Bearer " + fullToken(org, "mallory", null, List.of(otherTeam)))
                        .get(team, id),
                403);
        assertError(AGENTCLOUD.get(team, id), 403);
        assertError(AGENTCLOUD.as("Bearer garbage").get(team, id), 403);
        assertError(
                AGENTCLOUD
                        .as("Bearer " + fullToken("elsewhere", "alice", null, List.of(team)))
                        .get(team, id),
                403);
    }

    @Test
    void aSessionReadUnderAnotherTeamIsInvalid() {
        String id = createAs("alice");
        assertError(
                AGENTCLOUD
                        .as("Bearer " + fullToken(org, "alice", null, List.of(team, otherTeam)))
                        .get(otherTeam, id),
                400);
    }

    @Test
    void unknownSessionIs400ForMembersAnd403ForOthers() {
        assertError(AGENTCLOUD.as(member("alice")).get(team, "0123456789abcdef01234567"), 400);
        assertError(AGENTCLOUD.get(team, "0123456789abcdef01234567"), 403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme", "0123456789ABCDEF01234567", "0123456789abcdef0123456", "0123456789abcdef012345678"})
    void malformedIdsAre400(String bad) {
        assertError(AGENTCLOUD.as(member("alice")).get(bad, "0123456789abcdef01234567"), 400);
        assertError(AGENTCLOUD.as(member("alice")).get(team, bad), 400);
        assertError(AGENTCLOUD.as(member("alice")).create(bad, Map.of("id", app)), 400);
    }

    @Test
    void appOfAnotherTeamOrUnknownAppIs400() {
        assertError(AGENTCLOUD.as(member("alice")).create(team, Map.of("id", otherTeamApp)), 400);
        assertError(AGENTCLOUD.as(member("alice")).create(team, Map.of("id", "0123456789abcdef01234567")), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"id\":null}", "{\"id\":5}", "{\"id\":\"nope\"}", "not json", "[]"})
    void invalidAddBodyIs400(String body) {
        assertError(AGENTCLOUD.as(member("alice")).create(team, body), 400);
    }

    @Test
    void addingWithoutMembershipIs403() {
        assertError(
                AGENTCLOUD
                        .as("Bearer " + fullToken(org, "mallory", null, List.of(otherTeam)))
                        .create(team, Map.of("id", app)),
                403);
        assertError(AGENTCLOUD.create(team, Map.of("id", app)), 403);
    }

    @Test
    void errorsBeforeTheAdapterUseDynamicResponse() {
        assertError(
                GATEWAY.givenUndocumented(ERROR_DOC, "dynamicResponse")
                        .delete("/{slug}/session/{id}.json", team, "0123456789abcdef01234567"),
                405);
        assertError(
                GATEWAY.givenUndocumented(ERROR_DOC, "dynamicResponse")
                        .get("/{slug}/session/{id}", team, "0123456789abcdef01234567"),
                404);
        assertError(
                GATEWAY.givenUndocumented(ERROR_DOC, "dynamicResponse")
                        .header("Authorization", member("alice"))
                        .contentType("text/plain")
                        .body("id=x")
                        .post("/{slug}/forms/session/add", team),
                415);
    }
}
