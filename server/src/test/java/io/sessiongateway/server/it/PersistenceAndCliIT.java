package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.CliRun;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI against the running server, and data surviving a restart on the same H2 file. */
class PersistenceAndCliIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static CliRun cli(String... args) throws Exception {
        return CliRun.of(GATEWAY, args);
    }

    @Test
    void cliProvisionsAgentsMintsTokensAndDataSurvivesARestart() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        CliRun created = cli(
                "agent",
                "create",
                "--tenant",
                tenant,
                "--name",
                "helper",
                "--manager",
                "bob",
                "--url",
                GATEWAY.baseUri());
        assertEquals(0, created.exit(), created.err());
        JsonNode agent = new ObjectMapper().readTree(created.out());
        assertEquals("helper", agent.get("name").asText());
        assertEquals("bob", agent.get("managers").get(0).asText());
        assertTrue(agent.get("ids").get("everruns").asText().matches("agent_[0-9a-f]{32}"));
        assertTrue(created.err().contains("created agent"), created.err());

        CliRun dup = cli("agent", "create", "--tenant", tenant, "--name", "helper", "--url", GATEWAY.baseUri());
        assertEquals(1, dup.exit());
        assertEquals("", dup.out());
        assertTrue(dup.err().contains("409"), dup.err());

        CliRun listed = cli("agent", "list", "--tenant", tenant, "--url", GATEWAY.baseUri());
        assertEquals(0, listed.exit(), listed.err());
        assertEquals(
                agent, new ObjectMapper().readTree(listed.out()).get("data").get(0));

        CliRun minted =
                cli("token", "--tenant", tenant, "--subject", "alice", "--subject-type", "user", "--ttl", "10m");
        assertEquals(0, minted.exit(), minted.err());
        String token = minted.out().strip();
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), token);

        Response session = CLIENTS.trueFoundry().bearer(token).create(tenant, Map.of("agent_name", "helper"));
        assertEquals(201, session.statusCode(), session.asString());
        Map<String, Object> data = session.jsonPath().getMap("data");

        GATEWAY.stop();
        GATEWAY.start();

        Response read = CLIENTS.trueFoundry().bearer(token).get(tenant, (String) data.get("id"));
        assertEquals(200, read.statusCode(), read.asString());
        assertEquals(data, read.jsonPath().getMap("data"));
    }

    @Test
    void cliManagesTeamsAndApiKeys() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        String url = GATEWAY.baseUri();
        CliRun team = cli("team", "create", "--tenant", tenant, "--name", "research", "--url", url);
        assertEquals(0, team.exit(), team.err());
        JsonNode created = new ObjectMapper().readTree(team.out());
        assertEquals("research", created.get("name").asText());
        CliRun teams = cli("team", "list", "--tenant", tenant, "--url", url);
        assertEquals(0, teams.exit(), teams.err());
        JsonNode listed = new ObjectMapper().readTree(teams.out()).get("data");
        assertEquals(2, listed.size(), teams.out()); // the default team first, then ours
        assertEquals(created, listed.get(1));

        CliRun key = cli(
                "key",
                "create",
                "--tenant",
                tenant,
                "--dialect",
                "everruns",
                "--name",
                "ci",
                "--subject",
                "robot",
                "--ttl",
                "1h",
                "--url",
                url);
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.err().contains("shown once"), key.err());
        JsonNode k = new ObjectMapper().readTree(key.out());
        String secret = k.get("secret").asText();
        assertTrue(secret.startsWith("evr_"), secret);
        String id = k.get("key").get("id").asText();

        Response ok = CLIENTS.everruns().bearer(secret).get("session_00000000000000000000000000000000");
        assertEquals(404, ok.statusCode(), ok.asString());

        CliRun keys = cli("key", "list", "--tenant", tenant, "--url", url);
        assertEquals(0, keys.exit(), keys.err());
        assertTrue(!keys.out().contains(secret), "list never shows secrets");
        assertEquals(
                id,
                new ObjectMapper()
                        .readTree(keys.out())
                        .get("data")
                        .get(0)
                        .get("id")
                        .asText());

        CliRun revoked = cli("key", "revoke", "--tenant", tenant, id, "--url", url);
        assertEquals(0, revoked.exit(), revoked.err());
        assertEquals("revoked key " + id, revoked.err().strip());
        Response refused = CLIENTS.everruns().bearer(secret).get("session_00000000000000000000000000000000");
        assertEquals(401, refused.statusCode(), refused.asString());
    }

    @Test
    void cliRefusesBadArguments() throws Exception {
        CliRun bad = cli("token", "--tenant", "t", "--subject", "s", "--ttl", "forever");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("not a duration"), bad.err());
        CliRun missing = cli("token", "--subject", "s");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--tenant"), missing.err());
    }

    @Test
    void cliReportsAnUnreachableGateway() throws Exception {
        CliRun r = cli("agent", "list", "--tenant", "t", "--url", "http://127.0.0.1:1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot reach the gateway"), r.err());
    }
}
