package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.LogCapture;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production logging configuration ({@code logback.xml} with {@code GATEWAY_LOG_FORMAT=json}, then plain)
 * against the real server: one access line per request carrying the request id of the response header, typed
 * fields, and never a token, an API key, a body or a query string.
 */
@TestMethodOrder(OrderAnnotation.class)
class LogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Before the harness starts the server, so that its start-up line is captured as well.
        LogCapture.start("json", "INFO");
    }

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    static String tenant;
    static String marker;

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        marker = "body-marker-" + UUID.randomUUID();
        GATEWAY.provisioning().agent(tenant, marker, List.of(), false);
    }

    @AfterAll
    static void restore() {
        LogCapture.stop();
    }

    /** Loads the production logback.xml (main resources) with the given format. */
    private static void configure(String format) {
        LogCapture.reformat(format);
    }

    @Test
    void jsonAccessLineCarriesTheRequestIdAndTypedFields() throws IOException {
        String bearer = token(tenant, "alice");
        Response r = GATEWAY.given()
                .header("Authorization", "Bearer " + bearer)
                .contentType("application/json")
                .body(Map.of("agent_name", marker))
                .post("/{t}/v1/agents/sessions?secret=query-marker", tenant);
        assertEquals(201, r.statusCode(), r.asString());
        String id = r.header("X-Request-Id");
        assertNotNull(id);

        JsonNode line = awaitJsonLine(id);
        Set<String> fields = new TreeSet<>();
        line.fieldNames().forEachRemaining(fields::add);
        assertEquals(
                new TreeSet<>(Set.of(
                        "@timestamp",
                        "message",
                        "logger_name",
                        "thread_name",
                        "level",
                        "request_id",
                        "method",
                        "path",
                        "status",
                        "duration_ms",
                        "dialect",
                        "operation")),
                fields);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("io.sessiongateway.access", line.get("logger_name").asText());
        assertTrue(Instant.parse(line.get("@timestamp").asText())
                .isBefore(Instant.now().plusSeconds(1)));
        assertEquals("POST", line.get("method").asText());
        assertEquals("/" + tenant + "/v1/agents/sessions", line.get("path").asText());
        assertTrue(line.get("status").isInt());
        assertEquals(201, line.get("status").asInt());
        assertTrue(line.get("duration_ms").isNumber() && line.get("duration_ms").asDouble() > 0, line.toString());
        assertEquals("truefoundry", line.get("dialect").asText());
        assertEquals("v1AgentsSessionsPost", line.get("operation").asText());
        assertTrue(
                line.get("message").asText().startsWith("POST /" + tenant + "/v1/agents/sessions 201 "),
                line.get("message").asText());

        String all = captured();
        assertFalse(all.contains(bearer), "a token was logged");
        assertFalse(all.contains(bearer.substring(bearer.lastIndexOf('.') + 1)), "a token signature was logged");
        assertFalse(all.contains(marker), "a request body was logged");
        assertFalse(all.contains("query-marker"), "a query string was logged");
    }

    @Test
    void apiKeysAreNeverLogged() throws IOException {
        Map<String, Object> key = GATEWAY.provisioning()
                .key(tenant, "everruns", "bob", null, List.of())
                .json();
        String secret = (String) key.get("secret");
        Response r = CLIENTS.everruns().bearer(secret).get("session_0123456789abcdef0123456789abcdef");
        assertEquals(404, r.statusCode(), r.asString());
        JsonNode line = awaitJsonLine(r.header("X-Request-Id"));
        assertEquals(404, line.get("status").asInt());
        assertEquals("everruns", line.get("dialect").asText());
        assertEquals("getSession", line.get("operation").asText());
        assertFalse(captured().contains(secret), "an API key was logged");
    }

    @Test
    void everyLineIsOneJsonObject() throws IOException {
        GATEWAY.givenUndocumented("admin/admin.yaml", "AdminError")
                .get("/nowhere")
                .then()
                .statusCode(404);
        List<JsonNode> lines = jsonLines();
        assertTrue(lines.size() >= 2, "the start-up line and access lines: " + captured());
        assertTrue(
                lines.stream().anyMatch(l -> l.get("message").asText().startsWith("listening on 127.0.0.1:")),
                "start-up line");
        for (JsonNode l : lines) {
            assertTrue(l.has("@timestamp") && l.has("level") && l.has("logger_name") && l.has("message"), l.toString());
        }
    }

    /** Last: it writes plain lines into the capture the JSON tests read. */
    @Test
    @Order(Integer.MAX_VALUE)
    void plainFormatForTerminals() throws IOException {
        configure("plain");
        try {
            Response r =
                    GATEWAY.given().header("X-Request-Id", "plain-format-check").get("/v1/sessions/nope");
            // Everruns checks credentials first: the anonymous request is 401 (issue #17).
            assertEquals(401, r.statusCode(), r.asString());
            String line = await("[plain-format-check]");
            assertTrue(
                    line.matches(
                            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[[^]]+] "
                                    + "io\\.sessiongateway\\.access \\[plain-format-check] - GET /v1/sessions/nope 401 [0-9.]+ ms "
                                    + "method=GET path=/v1/sessions/nope status=401 duration_ms=[0-9.]+ dialect=everruns "
                                    + "operation=getSession$"),
                    line);
        } finally {
            configure("json");
        }
    }

    private static String captured() {
        return LogCapture.captured();
    }

    private static List<JsonNode> jsonLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured().split("\n")) {
            if (!line.isBlank()) {
                assertTrue(line.startsWith("{") && line.endsWith("}"), "not a JSON line: " + line);
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The access line is written once the response is out: poll for it (bounded). */
    private static JsonNode awaitJsonLine(String requestId) throws IOException {
        String line = await("\"request_id\":\"" + requestId + "\"");
        return JSON.readTree(line);
    }

    private static String await(String fragment) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : captured().split("\n")) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no log line with " + fragment + " in:\n" + captured());
    }
}
