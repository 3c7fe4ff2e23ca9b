package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.cli.Main;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway started with the example fixtures (docs/examples/fixtures.yaml), testing endpoints off: the fixtures are
 * there in every dialect; starting again over the same store with the same file changes nothing (JSON as well as
 * YAML); a file in conflict with the store, or malformed, stops the start with the file, entry and field named.
 */
class FixturesIT {
    static final Path EXAMPLE =
            Path.of("..", "docs", "examples", "fixtures.yaml").toAbsolutePath().normalize();
    static final Map<String, String> WITH_EXAMPLE = Map.of("GATEWAY_FIXTURES", EXAMPLE.toString());

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(WITH_EXAMPLE);

    static final Clients CLIENTS = GATEWAY.clients();

    /** The tables that fixtures write, each row as text, in a fixed order. */
    static final List<String> TABLES =
            List.of("tenant", "team", "subject", "agent", "api_key", "session", "session_pin", "session_count");

    @Test
    void theFixturesAreThereInEveryDialect() {
        Response everruns = CLIENTS.everruns()
                .as("Bearer evr_fixture_acme_alice_0000000000000000000001")
                .get("session_0193a000000070008000000000000001");
        assertEquals(200, everruns.statusCode(), everruns.asString());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("agent_id", "agent_0193a000000070008000000000000a01");
        expected.put("created_at", "2026-11-01T09:00:00.000Z");
        expected.put("id", "session_0193a000000070008000000000000001");
        expected.put("organization_id", "org_0193a000000070008000000000000001");
        expected.put("status", "idle");
        expected.put("updated_at", "2026-11-01T09:05:00.000Z");
        expected.put("is_pinned", true);
        expected.put("locale", "en-US");
        expected.put("output_preview", "Sure, which order?");
        expected.put("preview", "I want a refund");
        expected.put("started_at", "2026-11-01T09:00:01.000Z");
        expected.put("tags", List.of("billing", "refunds"));
        expected.put("title", "Refund for order 1001");
        expected.put("usage", Map.of("input_tokens", 120, "output_tokens", 80));
        assertEquals(expected, everruns.jsonPath().getMap(""));

        Response tf = CLIENTS.trueFoundry().bearer(token("acme", "alice")).get("acme", "tf-session-0001");
        assertEquals(200, tf.statusCode(), tf.asString());
        assertEquals("Refund for order 1001", tf.jsonPath().getString("data.title"));

        Response recoup = CLIENTS.recoup()
                .apiKey("rcp_fixture_acme_bob_00000000000000000000000001")
                .get("session_0193a000000070008000000000000002");
        assertEquals(200, recoup.statusCode(), recoup.asString());
        assertEquals("archived", recoup.jsonPath().getString("session.status"));
        assertEquals("3f1c2a44-0d5e-4c6b-9a10-000000000b0b", recoup.jsonPath().getString("session.userId"));

        // Shared publicly: Agentcloud answers without credentials.
        Response agentcloud = CLIENTS.agentcloud().get("66a0000000000000000000d1", "66a0000000000000000000c2");
        assertEquals(200, agentcloud.statusCode(), agentcloud.asString());
        assertEquals("Archived chat", agentcloud.jsonPath().getString("session.name"));

        Response show = CLIENTS.admin().bearer(adminToken("*")).showSession("research-0003");
        assertEquals(200, show.statusCode(), show.asString());
        assertEquals("completed", show.jsonPath().getString("status"));
        assertEquals("66a0000000000000000000a1", show.jsonPath().getString("team"));
    }

    @Test
    void startingAgainWithTheSameFixturesChangesNothingInYamlOrJson() throws Exception {
        List<String> before = dump();
        GATEWAY.reconfigure(WITH_EXAMPLE);
        assertEquals(before, dump(), "a second start with the same file");
        Path json = Files.createTempFile("fixtures", ".json");
        Files.writeString(json, new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(EXAMPLE.toFile())));
        GATEWAY.reconfigure(Map.of("GATEWAY_FIXTURES", json.toString()));
        assertEquals(before, dump(), "the same fixtures as JSON");
        GATEWAY.reconfigure(WITH_EXAMPLE);
    }

    @Test
    void aFixtureInConflictWithTheStoreStopsTheStartAndWritesNothing() throws Exception {
        // The store has an agent "taken" (made through the admin API); the file gives that name another agent's id.
        Response made = CLIENTS.admin().bearer(adminToken("*")).createAgent("acme", Map.of("name", "taken"));
        assertEquals(201, made.statusCode(), made.asString());
        Path conflicting = Files.createTempFile("fixtures", ".yaml");
        Files.writeString(conflicting, """
                tenants:
                  - name: zeta-new
                  - name: acme
                    agents:
                      - name: taken
                        id: agent_0193a0000000700080000000000000ff
                """);
        List<String> before = dump();
        GATEWAY.stop();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GATEWAY.reconfigure(Map.of("GATEWAY_FIXTURES", conflicting.toString())));
        assertTrue(
                e.getMessage()
                        .startsWith("fixtures " + conflicting + ": tenants[1].agents[0].id: conflicts with the store:"),
                e.getMessage());
        assertEquals(before, dump(), "nothing written, not even the tenant before the conflict");
        GATEWAY.reconfigure(WITH_EXAMPLE);
    }

    @Test
    void serveWithABadFileExitsNonZeroNamingTheFileTheEntryAndTheField() throws Exception {
        Path bad = Files.createTempFile("fixtures", ".yaml");
        Files.writeString(bad, """
                tenants:
                  - name: acme
                    agents:
                      - name: helper
                        restricted: sometimes
                """);
        Path dir = Files.createTempDirectory("fixtures-serve");
        Path conf = dir.resolve("gateway.conf");
        Files.writeString(conf, "gateway { data-dir = \"" + dir + "\", port = 0, bind = \"127.0.0.1\" }\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        synchronized (FixturesIT.class) {
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                exit = Main.run("serve", "--fixtures", bad.toString(), "--config", conf.toString());
            } finally {
                System.setErr(original);
            }
        }
        assertEquals(1, exit);
        String expected =
                "error: fixtures " + bad + ": tenants[0].agents[0].restricted: must be true or false, not a string";
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.lines().anyMatch(expected::equals), printed);
    }

    /** Every row of the tables fixtures write, as text, ordered. */
    static List<String> dump() {
        List<String> rows = new ArrayList<>();
        try (Connection c = GATEWAY.connectDatabase();
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = r.getMetaData();
                    List<String> these = new ArrayList<>();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder(table);
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(' ')
                                    .append(meta.getColumnName(i))
                                    .append('=')
                                    .append(r.getString(i));
                        }
                        these.add(row.toString());
                    }
                    these.sort(null);
                    rows.addAll(these);
                }
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException(e));
        }
        return rows;
    }
}
