package com.example.everruns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.everruns.client.ApiClient;
import com.example.everruns.client.ApiException;
import com.example.everruns.client.api.SessionsApi;
import com.example.everruns.client.api.SessionsListApi;
import com.example.everruns.client.model.CreateSessionRequest;
import com.example.everruns.client.model.PaginatedSessions;
import com.example.everruns.client.model.Session;
import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.junit5.SessionGatewayExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An Everruns client, generated from the vendor's document, against the Session Gateway in this JVM: the fixtures
 * give an agent, an API key and a session with fixed ids; every test starts from them again.
 */
class EverrunsClientTest {
    static final String AGENT = "agent_0193a000000070008000000000000a01";
    static final String FIXTURE_SESSION = "session_0193a000000070008000000000000001";
    static final String API_KEY = "evr_example_acme_alice_00000000000000000001";

    @RegisterExtension
    static final SessionGatewayExtension GATEWAY = SessionGatewayExtension.builder()
            .fixtures("gateway-fixtures.yaml")
            .resetBetweenTests(true)
            .build();

    /** The generated client pointed at the gateway, with an Authorization header. */
    static ApiClient client(String authorization) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(GATEWAY.everrunsUrl());
        client.setRequestInterceptor(request -> request.header("Authorization", authorization));
        return client;
    }

    @Test
    void createGetAndListASession() throws ApiException {
        ApiClient alice = client("Bearer " + GATEWAY.token("acme", "alice"));
        SessionsApi sessions = new SessionsApi(alice);

        Session created = sessions.createSession(new CreateSessionRequest().agentId(AGENT).title("Order 1002"));
        assertTrue(created.getId().matches("session_[0-9a-f]{32}"), created.getId());
        assertEquals(AGENT, created.getAgentId());
        assertEquals("Order 1002", created.getTitle());
        assertEquals(Session.StatusEnum.STARTED, created.getStatus());

        assertEquals(created, sessions.getSession(created.getId()));

        PaginatedSessions page = new SessionsListApi(alice).listSessions(AGENT, null, null, null, null);
        assertEquals(2, page.getTotal());
        assertEquals(
                List.of(created.getId(), FIXTURE_SESSION),
                page.getData().stream().map(Session::getId).toList(),
                "newest first: the new session, then the fixture's");
    }

    @Test
    void theFixtureSessionAndKeyAreThere() throws ApiException {
        Session fixture = new SessionsApi(client("Bearer " + API_KEY)).getSession(FIXTURE_SESSION);
        assertEquals("Refund for order 1001", fixture.getTitle());
        assertEquals(AGENT, fixture.getAgentId());
    }

    @Test
    void aFaultRuleAnswers503OnceAndTheJournalShowsIt() throws ApiException {
        GATEWAY.faults()
                .rule()
                .dialect("everruns")
                .operation("getSession")
                .status(503)
                .times(1)
                .add();
        SessionsApi sessions = new SessionsApi(client("Bearer " + API_KEY));

        ApiException e = assertThrows(ApiException.class, () -> sessions.getSession(FIXTURE_SESSION));
        assertEquals(503, e.getCode());
        assertEquals("{\"error\":\"Service Unavailable\"}", e.getResponseBody());
        assertEquals("Refund for order 1001", sessions.getSession(FIXTURE_SESSION).getTitle(), "once only");

        List<JsonNode> calls = GATEWAY.journal().entries("everruns", "getSession");
        assertEquals(List.of(200, 503), calls.stream().map(c -> c.path("status").asInt()).toList());
        assertEquals(FIXTURE_SESSION, calls.get(1).path("sessions").path(0).asText());
    }

    @Test
    void eachTestStartsFromTheFixtures() throws ApiException {
        PaginatedSessions page = new SessionsListApi(client("Bearer " + API_KEY)).listSessions(AGENT, null, null, null, null);
        assertEquals(1, page.getTotal(), "sessions other tests created are gone");
        assertTrue(GATEWAY.faults().list().path("data").isEmpty(), "and so are their fault rules");
    }
}
