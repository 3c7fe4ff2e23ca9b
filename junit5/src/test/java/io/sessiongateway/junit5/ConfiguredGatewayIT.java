package io.sessiongateway.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.junit5.Http.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Configuration keys through the builder: prefixes, a disabled dialect, any key of reference.conf. */
class ConfiguredGatewayIT {
    @RegisterExtension
    static final SessionGatewayExtension GATEWAY = SessionGatewayExtension.builder()
            .prefix("everruns", "/evr")
            .dialect("agentcloud", false)
            .property("gateway.http.max-body-bytes", 2048)
            .property("gateway.auth.jwt-secret", "a-secret-the-test-chose-0123456789abcdef")
            .build();

    @Test
    void aPrefixedDialectIsServedUnderItsPrefix() throws Exception {
        assertEquals(GATEWAY.baseUrl() + "/evr", GATEWAY.everrunsUrl());
        String agent = GATEWAY.createAgent("acme", "helper").everrunsId();
        Map<String, String> alice = Map.of("Authorization", "Bearer " + GATEWAY.token("acme", "alice"));
        Reply created = Http.post(GATEWAY.everrunsUrl() + "/v1/sessions", alice, Map.of("agent_id", agent));
        assertEquals(201, created.status(), created.raw().body());
        Reply atRoot = Http.post(GATEWAY.baseUrl() + "/v1/sessions", alice, Map.of("agent_id", agent));
        assertEquals(404, atRoot.status(), atRoot.raw().body());
    }

    @Test
    void aDisabledDialectHasNoBaseUrl() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, GATEWAY::agentcloudUrl);
        assertEquals("the agentcloud dialect is not enabled", e.getMessage());
        String team = GATEWAY.createTeam("acme2", "t");
        Reply r = Http.get(
                GATEWAY.baseUrl() + "/" + team + "/sessions.json",
                Map.of("Authorization", "Bearer " + GATEWAY.token("acme2", "alice")));
        assertEquals(404, r.status(), r.raw().body());
    }

    @Test
    void anyKeyIsSettable() throws Exception {
        Reply r = Http.post(
                GATEWAY.everrunsUrl() + "/v1/sessions",
                Map.of("Authorization", "Bearer " + GATEWAY.token("acme", "alice")),
                Map.of("agent_id", "agent_01933b5a000070008000000000000001", "title", "x".repeat(3000)));
        assertEquals(413, r.status(), r.raw().body());
        assertEquals(2048L, GATEWAY.config().http().maxBodyBytes());
        assertTrue(GATEWAY.config().auth().jwtSecret().startsWith("a-secret-the-test-chose"));
    }
}
