package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.RuntimeWorkers;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runtime API (/runtime/v1): worker credentials and their refusal elsewhere, tenant scoping, the operations'
 * answers (every response validated against specs/runtime/runtime.yaml), and the reference worker answering and
 * stopping on a cancellation.
 */
class RuntimeIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_LEASE_SWEEP_INTERVAL", "200ms"));

    static final Clients CLIENTS = GATEWAY.clients();
    private static Database database;

    @BeforeAll
    static void openStore() {
        database = RuntimeWorkers.database(GATEWAY, Map.of());
    }

    @AfterAll
    static void closeStore() {
        if (database != null) {
            database.close();
        }
    }

    /** A tenant with an agent answered by an external worker of a responder of its own, and one session. */
    record Conversation(Tenant tenant, String responder, UUID sessionId) {}

    private static Conversation conversation() {
        Provisioning p = CLIENTS.provisioning();
        Tenant t = p.tenant();
        String responder = "ext-" + UUID.randomUUID().toString().substring(0, 8);
        Response agent = CLIENTS.admin(t.tenant())
                .createAgent(t.tenant(), Map.of("name", "worker-agent", "responder", responder));
        assertEquals(201, agent.statusCode(), agent.asString());
        Response s = CLIENTS.everruns()
                .as(t.bearer())
                .create(Map.of("agent_id", agent.jsonPath().getString("ids.everruns")));
        assertEquals(201, s.statusCode(), s.asString());
        String hex = s.jsonPath().getString("id").substring("session_".length());
        UUID id = UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        return new Conversation(t, responder, id);
    }

    private static Response runtime(String credential, String method, String path, Object body) {
        var request = GATEWAY.given().header("Authorization", "Bearer " + credential);
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        return request.request(method, "/runtime/v1" + path);
    }

    private static void assertError(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals(code, r.jsonPath().getString("error.code"), r.asString());
        assertEquals(List.of("error"), List.copyOf(r.jsonPath().getMap("").keySet()));
    }

    @Test
    void clientAndAdminTokensGet403AndWorkerCredentialsGet401InTheDialectsAndAdmin() {
        Conversation c = conversation();
        Map<String, Object> claim = Map.of("responders", List.of(c.responder()));
        assertError(runtime("not-a-token", "POST", "/claims", claim), 401, "unauthenticated");
        String client = c.tenant().bearer().substring("Bearer ".length());
        assertError(runtime(client, "POST", "/claims", claim), 403, "worker_required");
        assertError(
                runtime(GatewayHarness.adminToken(c.tenant().tenant()), "POST", "/claims", claim),
                403,
                "worker_required");

        String workerJwt = RuntimeWorkers.workerToken(c.tenant().tenant(), "runner");
        Provisioning.Key key = CLIENTS.provisioning().key(c.tenant().tenant(), "runtime", "runner", null, List.of());
        assertTrue(key.secret().startsWith("sgw_wk_"), key.secret());
        for (String worker : List.of(workerJwt, key.secret())) {
            Response claimed = runtime(worker, "POST", "/claims", claim);
            assertEquals(200, claimed.statusCode(), claimed.asString());
            assertEquals(Map.of("data", List.of()), claimed.jsonPath().getMap(""));
            Response tf =
                    CLIENTS.trueFoundry().as("Bearer " + worker).list(c.tenant().tenant(), Map.of());
            assertEquals(401, tf.statusCode(), tf.asString());
            Response admin =
                    CLIENTS.admin().as("Bearer " + worker).listAgents(c.tenant().tenant());
            assertError(admin, 401, "worker_credentials");
        }
        Response recoup = CLIENTS.recoup().apiKey(key.secret()).list(Map.of());
        assertEquals(401, recoup.statusCode(), recoup.asString());
        assertEquals(
                Map.of("status", "error", "error", "worker credentials are accepted by the runtime API only"),
                recoup.jsonPath().getMap(""));
    }

    @Test
    void aTenantsWorkerClaimsOnlyItsTenantsTurnsAndAnotherTenantsTurnDoesNotExistForIt() {
        Conversation mine = conversation();
        Conversation theirs = conversation();
        Posted other = RuntimeWorkers.post(database, theirs.sessionId(), "theirs", mine.responder());
        Posted own = RuntimeWorkers.post(database, mine.sessionId(), "mine", mine.responder());
        String worker = RuntimeWorkers.workerToken(mine.tenant().tenant(), "runner");

        Response claimed =
                runtime(worker, "POST", "/claims", Map.of("responders", List.of(mine.responder()), "max", 10));
        assertEquals(200, claimed.statusCode(), claimed.asString());
        assertEquals(List.of(own.turn().id().toString()), claimed.jsonPath().getList("data.turn.id"));
        assertEquals("mine", claimed.jsonPath().getString("data[0].input.content[0].text"));
        assertEquals("runner/default", claimed.jsonPath().getString("data[0].turn.worker"));
        assertError(runtime(worker, "GET", "/turns/" + other.turn().id(), null), 404, "turn_not_found");

        Response all = runtime(
                RuntimeWorkers.workerToken("*", "operator-runner"),
                "POST",
                "/claims",
                Map.of("responders", List.of(mine.responder()), "max", 10));
        assertEquals(List.of(other.turn().id().toString()), all.jsonPath().getList("data.turn.id"));
    }

    @Test
    void outputIsIdempotentByStepAndACancelledTurnAnswers409() {
        Conversation c = conversation();
        Posted p = RuntimeWorkers.post(database, c.sessionId(), "hello", c.responder());
        String worker = RuntimeWorkers.workerToken(c.tenant().tenant(), "runner");
        String turn = p.turn().id().toString();
        assertEquals(
                200,
                runtime(worker, "POST", "/claims", Map.of("responders", List.of(c.responder()), "lease_seconds", 60))
                        .statusCode());

        Response first = runtime(
                worker, "POST", "/turns/" + turn + "/output", Map.of("step", 1, "type", "text_delta", "text", "he"));
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("output.text.delta", first.jsonPath().getString("data.type"));
        Response again = runtime(
                worker, "POST", "/turns/" + turn + "/output", Map.of("step", 1, "type", "text_delta", "text", "x"));
        assertEquals(first.jsonPath().getMap(""), again.jsonPath().getMap(""));
        assertError(
                runtime(
                        RuntimeWorkers.workerToken(c.tenant().tenant(), "other"),
                        "POST",
                        "/turns/" + turn + "/output",
                        Map.of("step", 2, "type", "text_delta", "text", "x")),
                409,
                "lease_lost");
        Response lease = runtime(worker, "POST", "/turns/" + turn + "/lease", Map.of("lease_seconds", 120));
        assertEquals(200, lease.statusCode(), lease.asString());
        assertEquals("running", lease.jsonPath().getString("data.status"));
        assertError(
                runtime(worker, "POST", "/turns/" + turn + "/output", Map.of("step", 2, "type", "tool_call")),
                422,
                "invalid_request_body");

        RuntimeWorkers.cancel(database, p.turn().id());
        assertError(
                runtime(
                        worker,
                        "POST",
                        "/turns/" + turn + "/output",
                        Map.of("step", 2, "type", "text_delta", "text", "llo")),
                409,
                "turn_not_running");
        Response finished = runtime(worker, "POST", "/turns/" + turn + "/finish", Map.of());
        assertEquals(200, finished.statusCode(), finished.asString());
        assertEquals("cancelled", finished.jsonPath().getString("data.status"));
        assertEquals("client-cancelled", finished.jsonPath().getString("data.cancel_reason"));
        Response events = runtime(worker, "GET", "/turns/" + turn + "/events?after_sequence=0", null);
        assertEquals(
                List.of("message.created", "turn.queued", "turn.started", "output.text.delta", "turn.cancelled"),
                events.jsonPath().getList("data.type"));
    }

    @Test
    void theReferenceWorkerAnswersATurnAndStopsOnACancellation() throws Exception {
        Conversation c = conversation();
        String worker = RuntimeWorkers.workerToken(c.tenant().tenant(), "reference");
        try (RuntimeWorkers.Running w = RuntimeWorkers.start(GATEWAY.baseUri(), worker, c.responder(), Duration.ZERO)) {
            Posted p = RuntimeWorkers.post(database, c.sessionId(), "hello there", c.responder());
            assertTrue(w.await("finished " + p.turn().id() + " done", Duration.ofSeconds(20)), w.log());
            Response events = runtime(worker, "GET", "/turns/" + p.turn().id() + "/events", null);
            assertEquals(
                    List.of(
                            "message.created",
                            "turn.queued",
                            "turn.started",
                            "output.text.delta",
                            "output.text.delta",
                            "output.text.delta",
                            "message.created",
                            "turn.done"),
                    events.jsonPath().getList("data.type"));
            assertEquals("hello there", events.jsonPath().getString("data[6].payload.message.content[0].text"));
        }
        try (RuntimeWorkers.Running w =
                RuntimeWorkers.start(GATEWAY.baseUri(), worker, c.responder(), Duration.ofMillis(1500))) {
            Posted p = RuntimeWorkers.post(database, c.sessionId(), "slow answer", c.responder());
            assertTrue(w.await("step 1 " + p.turn().id(), Duration.ofSeconds(20)), w.log());
            RuntimeWorkers.cancel(database, p.turn().id());
            assertTrue(w.await("stopped " + p.turn().id(), Duration.ofSeconds(10)), w.log());
            Response events = runtime(worker, "GET", "/turns/" + p.turn().id() + "/events", null);
            List<String> types = events.jsonPath().getList("data.type");
            assertEquals("turn.cancelled", types.get(types.size() - 1), types.toString());
            assertEquals(
                    1,
                    types.stream()
                            .filter(t -> t.startsWith("turn.c") || t.equals("turn.done"))
                            .count());
        }
    }
}
