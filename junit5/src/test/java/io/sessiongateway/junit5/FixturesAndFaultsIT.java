package io.sessiongateway.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.junit5.Http.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fixtures from the classpath, a reset before each test, fault rules and the journal (docs/fixtures.md). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FixturesAndFaultsIT {
    static final String AGENT = "agent_0193a000000070008000000000000a01";
    static final String SESSION = "session_0193a000000070008000000000000001";
    static final String KEY = "evr_extension_test_alice_000000000000000001";

    @RegisterExtension
    static final SessionGatewayExtension GATEWAY = SessionGatewayExtension.builder()
            .fixtures("extension-fixtures.yaml")
            .resetBetweenTests(true)
            .build();

    static Reply getSession(String id) throws Exception {
        return Http.get(GATEWAY.everrunsUrl() + "/v1/sessions/" + id, Map.of("Authorization", "Bearer " + KEY));
    }

    static int total() throws Exception {
        Reply list = Http.get(
                GATEWAY.everrunsUrl() + "/v1/sessions?agent_id=" + AGENT, Map.of("Authorization", "Bearer " + KEY));
        assertEquals(200, list.status(), list.raw().body());
        return list.json().path("total").asInt();
    }

    @Test
    @Order(1)
    void theFixturesAreLoadedAndTheirKeyAuthenticates() throws Exception {
        Reply r = getSession(SESSION);
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("Fixture session", r.json().path("title").asText());
        assertEquals(AGENT, r.json().path("agent_id").asText());
        assertEquals("2026-11-01T09:00:00.000Z", r.json().path("created_at").asText());
    }

    @Test
    @Order(2)
    void aFaultRuleAnswersInTheDialectsEnvelopeAndTheJournalShowsIt() throws Exception {
        JsonNode rule = GATEWAY.faults()
                .rule()
                .dialect("everruns")
                .operation("getSession")
                .status(503)
                .times(1)
                .add();
        String ruleId = rule.path("id").asText();
        assertTrue(ruleId.startsWith("fault_"), rule.toString());
        assertEquals(1, GATEWAY.faults().list().path("data").size());

        Reply faulted = getSession(SESSION);
        assertEquals(503, faulted.status());
        assertEquals("1", faulted.header("Retry-After"));
        assertEquals(Http.JSON.createObjectNode().put("error", "Service Unavailable"), faulted.json());
        assertEquals(200, getSession(SESSION).status(), "times: 1");
        assertTrue(GATEWAY.faults().list().path("data").isEmpty(), "the rule removed itself");

        List<JsonNode> calls = GATEWAY.journal().entries("everruns", "getSession");
        assertEquals(2, calls.size(), calls.toString());
        assertEquals(200, calls.get(0).path("status").asInt(), "newest first");
        JsonNode first = calls.get(1);
        assertEquals(503, first.path("status").asInt());
        assertEquals(ruleId, first.path("fault").asText());
        assertEquals("GET", first.path("method").asText());
        assertEquals("/v1/sessions/" + SESSION, first.path("path").asText());
        assertEquals(List.of(SESSION), List.of(first.path("sessions").path(0).asText()));
    }

    @Test
    @Order(3)
    void dataRulesAndJournalOfAnEarlierTestAreGone() throws Exception {
        assertTrue(GATEWAY.journal().entries().isEmpty(), "reset cleared the journal");
        assertTrue(GATEWAY.faults().list().path("data").isEmpty());
        Reply created = Http.post(
                GATEWAY.everrunsUrl() + "/v1/sessions",
                Map.of("Authorization", "Bearer " + KEY),
                Map.of("agent_id", AGENT));
        assertEquals(201, created.status(), created.raw().body());
        assertEquals(2, total());
        GATEWAY.reset();
        assertEquals(1, total(), "reset: the store is the fixtures again");
        assertEquals(404, getSession(created.json().path("id").asText()).status());
    }

    @Test
    @Order(4)
    void rulesAreRemovedOneByOneOrAllAtOnce() {
        String a = GATEWAY.faults()
                .rule()
                .path("/v1/**")
                .latency(1)
                .add()
                .path("id")
                .asText();
        GATEWAY.faults().rule().method("DELETE").status(500).add();
        GATEWAY.faults().remove(a);
        assertEquals(1, GATEWAY.faults().list().path("data").size());
        GATEWAY.faults().clear();
        assertTrue(GATEWAY.faults().list().path("data").isEmpty());
        GATEWAY.journal().clear();
        ObjectNode none = Http.JSON.createObjectNode();
        none.putArray("data");
        assertEquals(none, GATEWAY.admin().get("/admin/v1/testing/journal", GATEWAY.operatorToken()));
    }
}
