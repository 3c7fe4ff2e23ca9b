package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.cli.Main;
import io.sessiongateway.server.testing.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI against the running server, and data surviving a restart on the same H2 file. */
class PersistenceAndCliIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    record Run(int exit, String out, String err) {
    }

    /** Runs the CLI in-process with a config file pointing at the harness's data dir and secret. */
    static synchronized Run cli(String... args) throws Exception {
        Path conf = Files.createTempFile("gateway", ".conf");
        Files.writeString(conf, "gateway { data-dir = \"" + GATEWAY.dataDir() + "\"\n auth.jwt-secret = \""
                + GatewayHarness.SECRET + "\" }\n");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] full = new String[args.length + 2];
            full[0] = args[0];
            System.arraycopy(args, 1, full, 1, args.length - 1);
            int at = args.length;
            if (List.of("agent", "team", "key", "session").contains(args[0])) {
                // the parent's --config goes right after "agent|team|key|session"
                full = new String[args.length + 2];
                full[0] = args[0];
                full[1] = "--config";
                full[2] = conf.toString();
                System.arraycopy(args, 1, full, 3, args.length - 1);
            } else {
                full[at] = "--config";
                full[at + 1] = conf.toString();
            }
            int exit = Main.run(full);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            Files.deleteIfExists(conf);
        }
    }

    @Test
    void cliProvisionsAgentsMintsTokensAndDataSurvivesARestart() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        Run created = cli("agent", "create", "--tenant", tenant, "--name", "helper", "--manager", "bob",
                "--url", GATEWAY.baseUri());
        assertEquals(0, created.exit(), created.err());
        JsonNode agent = new ObjectMapper().readTree(created.out());
        assertEquals("helper", agent.get("name").asText());
        assertEquals("bob", agent.get("managers").get(0).asText());
        assertTrue(agent.get("ids").get("everruns").asText().matches("agent_[0-9a-f]{32}"));
        assertTrue(created.err().contains("created agent"), created.err());

        Run dup = cli("agent", "create", "--tenant", tenant, "--name", "helper", "--url", GATEWAY.baseUri());
        assertEquals(1, dup.exit());
        assertEquals("", dup.out());
        assertTrue(dup.err().contains("409"), dup.err());

        Run listed = cli("agent", "list", "--tenant", tenant, "--url", GATEWAY.baseUri());
        assertEquals(0, listed.exit(), listed.err());
        assertEquals(agent, new ObjectMapper().readTree(listed.out()).get("data").get(0));

        Run minted = cli("token", "--tenant", tenant, "--subject", "alice", "--subject-type", "user", "--ttl", "10m");
        assertEquals(0, minted.exit(), minted.err());
        String token = minted.out().strip();
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), token);

        Response session = GATEWAY.given().header("Authorization", "Bearer " + token)
                .contentType("application/json").body(Map.of("agent_name", "helper"))
                .post("/{t}/v1/agents/sessions", tenant);
        assertEquals(201, session.statusCode(), session.asString());
        Map<String, Object> data = session.jsonPath().getMap("data");

        GATEWAY.stop();
        GATEWAY.start();

        Response read = GATEWAY.given().header("Authorization", "Bearer " + token)
                .get("/{t}/v1/agents/sessions/{id}", tenant, data.get("id"));
        assertEquals(200, read.statusCode(), read.asString());
        assertEquals(data, read.jsonPath().getMap("data"));
    }

    @Test
    void cliManagesTeamsAndApiKeys() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        String url = GATEWAY.baseUri();
        Run team = cli("team", "create", "--tenant", tenant, "--name", "research", "--url", url);
        assertEquals(0, team.exit(), team.err());
        JsonNode created = new ObjectMapper().readTree(team.out());
        assertEquals("research", created.get("name").asText());
        Run teams = cli("team", "list", "--tenant", tenant, "--url", url);
        assertEquals(0, teams.exit(), teams.err());
        JsonNode listed = new ObjectMapper().readTree(teams.out()).get("data");
        assertEquals(2, listed.size(), teams.out()); // the default team first, then ours
        assertEquals(created, listed.get(1));

        Run key = cli("key", "create", "--tenant", tenant, "--dialect", "everruns", "--name", "ci",
                "--subject", "robot", "--ttl", "1h", "--url", url);
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.err().contains("shown once"), key.err());
        JsonNode k = new ObjectMapper().readTree(key.out());
        String secret = k.get("secret").asText();
        assertTrue(secret.startsWith("evr_"), secret);
        String id = k.get("key").get("id").asText();

        Response ok = GATEWAY.given().header("Authorization", "Bearer " + secret)
                .get("/v1/sessions/{id}", "session_00000000000000000000000000000000");
        assertEquals(404, ok.statusCode(), ok.asString());

        Run keys = cli("key", "list", "--tenant", tenant, "--url", url);
        assertEquals(0, keys.exit(), keys.err());
        assertTrue(!keys.out().contains(secret), "list never shows secrets");
        assertEquals(id, new ObjectMapper().readTree(keys.out()).get("data").get(0).get("id").asText());

        Run revoked = cli("key", "revoke", "--tenant", tenant, id, "--url", url);
        assertEquals(0, revoked.exit(), revoked.err());
        assertEquals("revoked key " + id, revoked.err().strip());
        Response refused = GATEWAY.given().header("Authorization", "Bearer " + secret)
                .get("/v1/sessions/{id}", "session_00000000000000000000000000000000");
        assertEquals(401, refused.statusCode(), refused.asString());
    }

    @Test
    void cliRefusesBadArguments() throws Exception {
        Run bad = cli("token", "--tenant", "t", "--subject", "s", "--ttl", "forever");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("not a duration"), bad.err());
        Run missing = cli("token", "--subject", "s");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--tenant"), missing.err());
    }

    @Test
    void cliReportsAnUnreachableGateway() throws Exception {
        Run r = cli("agent", "list", "--tenant", "t", "--url", "http://127.0.0.1:1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot reach the gateway"), r.err());
    }
}
