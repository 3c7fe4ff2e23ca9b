package io.sessiongateway.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.junit5.Http.Reply;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a test uses it: registered once, default settings, every dialect at its default mount. */
class SessionGatewayExtensionIT {
    @RegisterExtension
    static final SessionGatewayExtension GATEWAY =
            SessionGatewayExtension.builder().build();

    static int port;

    @BeforeAll
    static void running() {
        assertTrue(GATEWAY.isRunning());
        port = GATEWAY.port();
    }

    @Test
    void baseUrlsAreTheLoopbackRootForEveryDialect() {
        assertEquals("http://127.0.0.1:" + port, GATEWAY.baseUrl());
        for (String dialect : SessionGatewayExtension.DIALECTS) {
            assertEquals("http://127.0.0.1:" + port, GATEWAY.baseUrl(dialect), dialect);
        }
        assertEquals(GATEWAY.baseUrl(), GATEWAY.everrunsUrl());
        assertEquals(GATEWAY.baseUrl(), GATEWAY.trueFoundryUrl());
        assertEquals(GATEWAY.baseUrl(), GATEWAY.agentcloudUrl());
        assertEquals(GATEWAY.baseUrl(), GATEWAY.recoupUrl());
        assertEquals(GATEWAY.baseUrl(), GATEWAY.adminUrl());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GATEWAY.baseUrl("openai"));
        assertEquals(
                "no such dialect: openai; the gateway has [truefoundry, everruns, agentcloud, recoup, admin]",
                e.getMessage());
    }

    @Test
    void anEverrunsSessionWithAMintedTokenIsCreatedReadAndListed() throws Exception {
        SessionGatewayExtension.Agent agent = GATEWAY.createAgent("acme", "helper");
        assertTrue(agent.everrunsId().matches("^agent_[0-9a-f]{32}$"), agent.everrunsId());
        assertEquals("helper", agent.name());
        assertEquals("acme", agent.tenant());
        Map<String, String> alice = Map.of("Authorization", "Bearer " + GATEWAY.token("acme", "alice"));

        Reply created = Http.post(
                GATEWAY.everrunsUrl() + "/v1/sessions", alice, Map.of("agent_id", agent.everrunsId(), "title", "t1"));
        assertEquals(201, created.status(), created.raw().body());
        assertTrue(created.header("Content-Type").startsWith("application/json"));
        JsonNode s = created.json();
        ObjectNode expected = Http.JSON
                .createObjectNode()
                .put("id", s.path("id").asText())
                .put("agent_id", agent.everrunsId())
                .put("organization_id", s.path("organization_id").asText())
                .put("status", "started")
                .put("title", "t1")
                .put("created_at", s.path("created_at").asText())
                .put("updated_at", s.path("updated_at").asText())
                .put("is_pinned", false);
        assertEquals(expected, s);
        assertTrue(s.path("id").asText().matches("^session_[0-9a-f]{32}$"));

        Reply read =
                Http.get(GATEWAY.everrunsUrl() + "/v1/sessions/" + s.path("id").asText(), alice);
        assertEquals(200, read.status(), read.raw().body());
        assertEquals(s, read.json());

        Reply list = Http.get(GATEWAY.everrunsUrl() + "/v1/sessions?agent_id=" + agent.everrunsId(), alice);
        assertEquals(200, list.status(), list.raw().body());
        ObjectNode page = Http.JSON.createObjectNode();
        page.putArray("data").add(s);
        page.put("total", 1)
                .put("offset", 0)
                .put("limit", list.json().path("limit").asInt());
        assertEquals(page, list.json());
    }

    @Test
    void theTokenBuilderCarriesEveryClaimTheDialectsUse() throws Exception {
        String team = GATEWAY.createTeam("globex", "research");
        assertTrue(team.matches("^[0-9a-f]{24}$"), team);
        SessionGatewayExtension.Agent agent =
                GATEWAY.createAgent("globex", Map.of("name", "analyst", "team", team, "managers", List.of("bob")));
        assertEquals(team, agent.team());
        UUID account = UUID.randomUUID();
        String bearer = GATEWAY.token()
                .tenant("globex")
                .subject("alice")
                .subjectSlug("alice-slug")
                .teams(team)
                .account(account)
                .bearer();

        Reply recoup = Http.post(GATEWAY.recoupUrl() + "/api/sessions", Map.of("Authorization", bearer), null);
        assertEquals(200, recoup.status(), recoup.raw().body());
        assertEquals(
                account.toString(), recoup.json().path("session").path("userId").asText());

        Reply tf = Http.post(
                GATEWAY.trueFoundryUrl() + "/globex/v1/agents/sessions",
                Map.of("Authorization", bearer),
                Map.of("agent_name", "analyst"));
        assertEquals(201, tf.status(), tf.raw().body());
        assertEquals(
                Http.JSON
                        .createObjectNode()
                        .put("subject_id", "alice")
                        .put("subject_type", "user")
                        .put("subject_slug", "alice-slug"),
                tf.json().path("data").path("created_by_subject"));

        Reply agentcloud =
                Http.get(GATEWAY.agentcloudUrl() + "/" + team + "/sessions.json", Map.of("Authorization", bearer));
        assertEquals(200, agentcloud.status(), agentcloud.raw().body());
    }

    @Test
    void apiKeysOfEverrunsAndRecoupAuthenticate() throws Exception {
        SessionGatewayExtension.Agent agent = GATEWAY.createAgent("initech", "helper");
        SessionGatewayExtension.ApiKey evr = GATEWAY.everrunsKey("initech", "ci-bot");
        assertTrue(evr.secret().startsWith("evr_"), evr.secret());
        Reply created = Http.post(
                GATEWAY.everrunsUrl() + "/v1/sessions",
                Map.of("Authorization", "Bearer " + evr.secret()),
                Map.of("agent_id", agent.everrunsId()));
        assertEquals(201, created.status(), created.raw().body());

        UUID account = UUID.randomUUID();
        SessionGatewayExtension.ApiKey rcp = GATEWAY.recoupKey("initech", "studio", account);
        assertTrue(rcp.secret().startsWith("rcp_"), rcp.secret());
        Reply recoup = Http.post(GATEWAY.recoupUrl() + "/api/sessions", Map.of("x-api-key", rcp.secret()), null);
        assertEquals(200, recoup.status(), recoup.raw().body());
        assertEquals(
                account.toString(), recoup.json().path("session").path("userId").asText());
    }

    @Test
    void theAdminApiCallsQuoteAnUnexpectedAnswer() {
        GATEWAY.createAgent("hooli", "dup");
        AdminApi.AdminCallFailed e =
                assertThrows(AdminApi.AdminCallFailed.class, () -> GATEWAY.createAgent("hooli", "dup"));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().startsWith("POST /admin/v1/tenants/hooli/agents answered 409: "), e.getMessage());
    }

    @Test
    void theExtensionIsAParameter(SessionGatewayExtension gateway) {
        assertSame(GATEWAY, gateway);
    }

    @Test
    void anOperatorTokenReadsEveryTenant() {
        GATEWAY.createAgent("umbrella", "helper");
        JsonNode agents = GATEWAY.admin().get("/admin/v1/tenants/umbrella/agents", GATEWAY.operatorToken());
        assertEquals("helper", agents.path("data").path(0).path("name").asText());
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheOuterClassGateway() {
            assertTrue(GATEWAY.isRunning());
            assertEquals(port, GATEWAY.port());
        }
    }
}
