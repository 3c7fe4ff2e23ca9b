package io.sessiongateway.server.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one way tests provision what they need: tenants, teams, agents and API keys, each created through the admin
 * API (so the answers are spec-validated too) by the tenant's administrator, and tokens from the harness's secret.
 * Each step asserts the admin API's success status and fails the test with the body otherwise.
 */
public final class Provisioning {
    private final Clients clients;

    Provisioning(Clients clients) {
        this.clients = clients;
    }

    /** An agent as the admin API created it: its ids in each dialect, its team, and the whole answer. */
    public record Agent(String name, String team, String everrunsId, String agentcloudId, Map<String, Object> json) {}

    /** An API key as the admin API created it: its id, the secret (shown once), and the whole answer. */
    public record Key(String id, String secret, Map<String, Object> json) {}

    /**
     * A fresh tenant with an agent named {@code helper} and a member whose token carries every claim the four
     * dialects use (subject alice, the account, the agent's team).
     *
     * @param tenant the tenant's name
     * @param agent the agent
     * @param account the member's Recoup account
     * @param bearer the member's {@code Authorization} header value
     */
    public record Tenant(String tenant, Agent agent, UUID account, String bearer) {
        public String team() {
            return agent.team();
        }
    }

    /** A tenant no other test uses, with an agent {@code helper} and a member (see {@link Tenant}). */
    public Tenant tenant() {
        String tenant = GatewayHarness.uniqueTenant();
        Agent agent = agent(tenant, "helper", List.of(), false);
        UUID account = UUID.randomUUID();
        return new Tenant(
                tenant,
                agent,
                account,
                "Bearer " + GatewayHarness.fullToken(tenant, "alice", account, List.of(agent.team())));
    }

    /** Creates an agent in the tenant's default team; asserts 201. */
    public Agent agent(String tenant, String name, List<String> managers, boolean restricted) {
        return agent(tenant, Map.of("name", name, "managers", managers, "restricted", restricted));
    }

    /** Creates an agent in a given team; asserts 201. */
    public Agent agentInTeam(String tenant, String name, String team) {
        return agent(tenant, Map.of("name", name, "team", team));
    }

    /** Creates an agent from a whole request body (a responder, say); asserts 201. */
    public Agent agent(String tenant, Map<String, Object> body) {
        Response r = expect(201, clients.admin(tenant).createAgent(tenant, body));
        return new Agent(
                r.jsonPath().getString("name"),
                r.jsonPath().getString("team"),
                r.jsonPath().getString("ids.everruns"),
                r.jsonPath().getString("ids.agentcloud"),
                r.jsonPath().getMap(""));
    }

    /** Creates a team; asserts 201 and returns its id. */
    public String team(String tenant, String name) {
        return expect(201, clients.admin(tenant).createTeam(tenant, Map.of("name", name)))
                .path("id");
    }

    /** Creates an API key of a dialect for a subject; asserts 201. */
    public Key key(String tenant, String dialect, String subject, UUID account, List<String> teams) {
        Map<String, Object> body = new HashMap<>();
        body.put("dialect", dialect);
        body.put("name", dialect + "-" + subject);
        body.put("subject_id", subject);
        body.put("account", account == null ? null : account.toString());
        body.put("teams", teams);
        return key(tenant, body);
    }

    /** Creates an API key from a whole request body; asserts 201. */
    public Key key(String tenant, Map<String, Object> body) {
        Response r = expect(201, clients.admin(tenant).createApiKey(tenant, body));
        return new Key(
                r.jsonPath().getString("key.id"),
                r.jsonPath().getString("secret"),
                r.jsonPath().getMap(""));
    }

    private static Response expect(int status, Response r) {
        assertEquals(status, r.statusCode(), r.asString());
        return r;
    }
}
