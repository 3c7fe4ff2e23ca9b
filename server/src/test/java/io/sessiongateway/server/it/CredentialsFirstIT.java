package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #17: a caller without acceptable credentials learns nothing of a body's validation. In every dialect and the
 * admin API the credentials are checked before the body is read, so an anonymous POST with a badly typed body gets
 * the dialect's own refusal (401; Agentcloud's is 403) in its envelope, not 400/422. Recoup's create is the
 * exception its vendor makes: the body is validated before the credentials.
 */
class CredentialsFirstIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    static Provisioning.Tenant tenant;

    @BeforeAll
    static void provision() {
        tenant = GATEWAY.provisioning().tenant();
    }

    private static Map<String, Object> body(Response r) {
        return r.jsonPath().getMap("");
    }

    private static Map<String, Object> withNull(Map<String, Object> m, String key) {
        Map<String, Object> copy = new HashMap<>(m);
        copy.put(key, null);
        return copy;
    }

    @Test
    void trueFoundryAnonymousBadBodyIs401() {
        Response r = CLIENTS.trueFoundry().create(tenant.tenant(), Map.of("agent_name", 42));
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(
                Map.of(
                        "error",
                        withNull(
                                Map.of(
                                        "message",
                                        "missing authentication token",
                                        "type",
                                        "authentication_error",
                                        "code",
                                        "unauthenticated"),
                                "param")),
                body(r));
    }

    @Test
    void trueFoundryBadTokenAndBadBodyIs401() {
        Response r = CLIENTS.trueFoundry().as("Bearer nonsense").create(tenant.tenant(), Map.of("agent_name", 42));
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals("unauthenticated", r.jsonPath().getString("error.code"));
    }

    @Test
    void trueFoundrySignedInBadBodyIsStill422() {
        Response r = CLIENTS.trueFoundry().as(tenant.bearer()).create(tenant.tenant(), Map.of("agent_name", 42));
        assertEquals(422, r.statusCode(), r.asString());
        assertEquals(
                Map.of(
                        "error",
                        Map.of(
                                "message",
                                "agent_name must be a string",
                                "type",
                                "invalid_request_error",
                                "code",
                                "invalid_request_body",
                                "param",
                                "agent_name")),
                body(r));
    }

    @Test
    void everrunsAnonymousBadBodyIs401() {
        Response r = CLIENTS.everruns().create(Map.of("agent_id", 5));
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(Map.of("error", "missing authentication token or API key"), body(r));
    }

    @Test
    void agentcloudAnonymousBadBodyIsItsRefusal() {
        Response r = CLIENTS.agentcloud().create(tenant.team(), Map.of("id", 5));
        assertEquals(403, r.statusCode(), r.asString());
        assertEquals(Map.of("code", 403, "message", "missing authentication token"), body(r));
    }

    @Test
    void adminAnonymousBadBodyIs401() {
        Response r = CLIENTS.admin().createAgent(tenant.tenant(), Map.of("name", 5));
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(
                Map.of(
                        "error",
                        withNull(
                                Map.of("code", "unauthenticated", "message", "missing authentication token"),
                                "reference")),
                body(r));
        Response patch = CLIENTS.admin().updateSession("session_" + "0".repeat(32), Map.of("status", 5));
        assertEquals(401, patch.statusCode(), patch.asString());
        assertEquals(body(r), body(patch));
    }

    @Test
    void adminNonAdminBadBodyIs403() {
        Response r =
                CLIENTS.admin().bearer(token(tenant.tenant(), "alice")).createAgent(tenant.tenant(), Map.of("name", 5));
        assertEquals(403, r.statusCode(), r.asString());
        assertEquals(
                Map.of(
                        "error",
                        withNull(
                                Map.of(
                                        "code",
                                        "admin_required",
                                        "message",
                                        "an admin token for tenant '" + tenant.tenant() + "' is required"),
                                "reference")),
                body(r));
    }

    @Test
    void adminSignedInBadBodyIs422() {
        Response r =
                CLIENTS.admin().bearer(adminToken(tenant.tenant())).createAgent(tenant.tenant(), Map.of("name", 5));
        assertEquals(422, r.statusCode(), r.asString());
        assertEquals(
                Map.of(
                        "error",
                        withNull(
                                Map.of("code", "invalid_request_body", "message", "name must be a string"),
                                "reference")),
                body(r));
    }

    /** The vendor's validateCreateSessionBody runs before its auth (specs/recoup/NOTES.md): 400 first. */
    @Test
    void recoupCreateValidatesTheBodyBeforeTheCredentials() {
        Response r = CLIENTS.recoup().create(Map.of("title", 5));
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals(Map.of("status", "error", "error", "title must be a string"), body(r));
        Response anonymous = CLIENTS.recoup().create(Map.of("title", "fine"));
        assertEquals(401, anonymous.statusCode(), anonymous.asString());
        assertEquals("error", anonymous.jsonPath().getString("status"));
    }

    /** Recoup's other operations check credentials first, as every dialect does: a bad key is 401 before anything. */
    @Test
    void recoupGetChecksCredentialsFirst() {
        Response r = CLIENTS.recoup()
                .withHeaders(Map.of("x-api-key", "rcp_unknown", "Authorization", "Bearer x"))
                .get("not-a-session");
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(
                Map.of("status", "error", "error", "send exactly one of x-api-key or Authorization, not both"),
                body(r));
    }
}
