package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.TestingClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The testing endpoints over real HTTP (docs/fixtures.md), on a gateway started with the example fixtures
 * (docs/examples/fixtures.yaml, copied so that one test can break it) and {@code gateway.testing.enabled}. Every
 * test starts from a reset, so none depends on another.
 */
class ResetFaultsJournalIT {
    static final Path FIXTURES = copyOfExample();

    @RegisterExtension
    static final GatewayHarness GATEWAY =
            new GatewayHarness(Map.of("GATEWAY_TESTING_ENABLED", "true", "GATEWAY_FIXTURES", FIXTURES.toString()));

    static final String OPERATOR = adminToken("*");
    static final String EVR_KEY = "evr_fixture_acme_alice_0000000000000000000001";
    static final String RCP_KEY = "rcp_fixture_acme_bob_00000000000000000000000001";
    static final String SESSION_1 = "session_0193a000000070008000000000000001";
    static final String SESSION_1_TF = "tf-session-0001";
    static final String SESSION_1_AC = "66a0000000000000000000c1";
    static final String SESSION_2 = "session_0193a000000070008000000000000002";
    static final String DEFAULT_TEAM = "66a0000000000000000000d1";
    static final String AGENT = "agent_0193a000000070008000000000000a01";

    /** One read of fixture session 1 (2 for Recoup, whose account owns it) per dialect, with its document. */
    record Read(String dialect, String document, String errorSchema, Function<Clients, Response> send) {}

    static final Map<String, Read> READS = reads();

    private final TestingClient testing = testing(GATEWAY.clients()).bearer(OPERATOR);

    @BeforeEach
    void reset() {
        Response r = testing.reset();
        assertEquals(200, r.statusCode(), r.asString());
    }

    @Test
    void theServedAdminDocumentListsThem() throws IOException {
        Response doc = GATEWAY.given().get("/openapi/admin.yaml");
        assertEquals(200, doc.statusCode(), doc.asString());
        JsonNode paths = new YAMLMapper().readTree(doc.asString()).path("paths");
        for (String path : List.of(
                "/admin/v1/testing/reset",
                "/admin/v1/testing/faults",
                "/admin/v1/testing/faults/{ruleId}",
                "/admin/v1/testing/journal")) {
            assertTrue(paths.has(path), path);
        }
    }

    @Test
    void resetAnswersWhatItLoaded() {
        Response r = testing.reset();
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("application/json", r.contentType());
        assertEquals(
                Map.of(
                        "fixtures",
                        FIXTURES.toString(),
                        "loaded",
                        Map.of("tenants", 2, "teams", 1, "agents", 3, "api_keys", 2, "sessions", 3)),
                r.jsonPath().getMap(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"truefoundry", "everruns", "agentcloud", "recoup"})
    void aFaultRuleMakesTheNextMatchingCallAnswer503InTheDialectsEnvelope(String dialect) {
        Read read = READS.get(dialect);
        Clients faulted = new Clients(d -> GATEWAY.givenUndocumented(read.document(), read.errorSchema()));
        Response before = read.send().apply(faulted);
        assertEquals(200, before.statusCode(), before.asString());

        Response added = testing.addFault(Map.of("dialect", dialect, "status", 503, "times", 1));
        assertEquals(201, added.statusCode(), added.asString());
        String id = added.jsonPath().getString("id");
        assertTrue(id.matches("fault_[0-9]+"), id);
        Map<String, Object> rule = new LinkedHashMap<>(added.jsonPath().getMap(""));
        assertTrue(((String) rule.remove("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), added.asString());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", id);
        expected.put("dialect", dialect);
        expected.put("operation", null);
        expected.put("method", null);
        expected.put("path", null);
        expected.put("status", 503);
        expected.put("latency", null);
        expected.put("reset", false);
        expected.put("times", 1);
        expected.put("probability", null);
        expected.put("seed", null);
        expected.put("matched", 0);
        expected.put("remaining", 1);
        assertEquals(expected, rule);

        Response faultedAnswer = read.send().apply(faulted);
        assertEquals(503, faultedAnswer.statusCode(), faultedAnswer.asString());
        assertEquals("1", faultedAnswer.header("Retry-After"));
        assertEquals("application/json", faultedAnswer.contentType());
        assertEquals(envelope503(dialect), faultedAnswer.jsonPath().getMap(""));

        Response after = read.send().apply(faulted);
        assertEquals(200, after.statusCode(), "times: 1 applies once: " + after.asString());
        Map<String, Object> beforeBody = new LinkedHashMap<>(before.jsonPath().getMap(""));
        Map<String, Object> afterBody = new LinkedHashMap<>(after.jsonPath().getMap(""));
        beforeBody.remove("csrf"); // Agentcloud's per-response token
        afterBody.remove("csrf");
        assertEquals(beforeBody, afterBody);
        assertEquals(List.of(), testing.faults().jsonPath().getList("data"), "the rule removed itself");

        List<Map<String, Object>> journal =
                testing.journal(Map.of("dialect", dialect)).jsonPath().getList("data");
        assertEquals(3, journal.size(), journal.toString());
        assertEquals(
                List.of(200, 503, 200),
                journal.stream().map(e -> e.get("status")).toList());
        assertEquals(id, journal.get(1).get("fault"));
        assertEquals(null, journal.get(0).get("fault"));
    }

    private static Map<String, Object> envelope503(String dialect) {
        return switch (dialect) {
            case "truefoundry" ->
                Map.of(
                        "error",
                        mapOf(
                                "message",
                                "Service Unavailable",
                                "type",
                                "service_unavailable_error",
                                "code",
                                "service_unavailable",
                                "param",
                                null));
            case "everruns" -> Map.of("error", "Service Unavailable");
            case "agentcloud" -> Map.of("message", "Service Unavailable", "code", 503);
            case "recoup" -> Map.of("status", "error", "error", "Service Unavailable");
            default -> throw new IllegalArgumentException(dialect);
        };
    }

    @Test
    void latencyDelaysTheAnswer() {
        Response added = testing.addFault(Map.of("operation", "getSession", "latency", 400, "times", 1));
        assertEquals(201, added.statusCode(), added.asString());
        long t0 = System.nanoTime();
        Response r = READS.get("everruns").send().apply(GATEWAY.clients());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(ms >= 400, "answered after " + ms + " ms");
        Map<String, Object> entry =
                testing.journal(Map.of("operation", "getSession")).jsonPath().getMap("data[0]");
        assertEquals(added.jsonPath().getString("id"), entry.get("fault"));
        assertEquals(200, entry.get("status"));
        assertTrue(((Number) entry.get("duration_ms")).doubleValue() >= 400, entry.toString());
    }

    @Test
    void resetClosesTheConnectionWithoutAnAnswer() throws Exception {
        Response added = testing.addFault(Map.of("method", "GET", "path", "/v1/sessions/*", "reset", true, "times", 1));
        assertEquals(201, added.statusCode(), added.asString());
        URI base = URI.create(GATEWAY.baseUri());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /v1/sessions/" + SESSION_1 + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                                    + EVR_KEY + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] answer = readAll(socket);
            assertEquals("", new String(answer, StandardCharsets.US_ASCII), "closed without a byte of answer");
        }
        HttpResponse<String> next = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(GATEWAY.baseUri() + "/v1/sessions/" + SESSION_1))
                                .header("Authorization", "Bearer " + EVR_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode(), "times: 1, so the next call is answered: " + next.body());
        // Each exchange is journaled when Jersey finishes it; the reset one finishes after its connection is
        // closed, so it can be journaled after the next call's answer, or a moment after that answer arrives.
        // Find each entry by its fault rather than by its place in the journal, and wait (5 s at most) for it.
        String fault = added.jsonPath().getString("id");
        List<Map<String, Object>> entries = List.of();
        for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
            entries = testing.journal(Map.of("session", SESSION_1, "limit", 2))
                    .jsonPath()
                    .getList("data");
            if (entries.stream().anyMatch(e -> fault.equals(e.get("fault")))) {
                break;
            }
        }
        List<Map<String, Object>> last = entries;
        assertEquals(2, last.size(), last.toString());
        Map<String, Object> reset = last.stream()
                .filter(e -> fault.equals(e.get("fault")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entry of fault " + fault + " in " + last));
        assertEquals(0, reset.get("status"), "a closed connection is journaled as status 0");
        Map<String, Object> answered = last.get(last.get(0) == reset ? 1 : 0);
        assertEquals(200, answered.get("status"), last.toString());
        assertEquals(null, answered.get("fault"), last.toString());
    }

    /** Everything the peer sends until it closes the connection (a reset counts as closed). */
    private static byte[] readAll(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // connection reset by peer: closed, as far as the client can tell
        }
        return out.toByteArray();
    }

    @Test
    void timesAppliesThatManyTimesThenTheRuleIsGone() {
        Response added = testing.addFault(Map.of("path", "/api/sessions/**", "status", 500, "times", 2));
        assertEquals(201, added.statusCode(), added.asString());
        Read read = READS.get("recoup");
        Clients faulted = new Clients(d -> GATEWAY.givenUndocumented(read.document(), read.errorSchema()));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(read.send().apply(faulted).statusCode());
        }
        assertEquals(List.of(500, 500, 200), statuses);
        assertEquals(List.of(), testing.faults().jsonPath().getList("data"));
    }

    @Test
    void aSeededProbabilityRepeatsItsSequence() {
        Map<String, Object> rule = Map.of("dialect", "everruns", "status", 429, "probability", 0.5, "seed", 42);
        List<Integer> first = statusesUnder(rule, 16);
        List<Integer> second = statusesUnder(rule, 16);
        assertEquals(first, second, "the same seed, the same sequence");
        assertTrue(first.contains(429) && first.contains(200), first.toString());
    }

    private List<Integer> statusesUnder(Map<String, Object> rule, int calls) {
        assertEquals(204, testing.clearFaults().statusCode());
        Response added = testing.addFault(rule);
        assertEquals(201, added.statusCode(), added.asString());
        Read read = READS.get("everruns");
        Clients faulted = new Clients(d -> GATEWAY.givenUndocumented(read.document(), read.errorSchema()));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            statuses.add(read.send().apply(faulted).statusCode());
        }
        Map<String, Object> listed = testing.faults().jsonPath().getMap("data[0]");
        assertEquals(
                (int) statuses.stream().filter(s -> s == 429).count(),
                listed.get("matched"),
                "matched counts the applications");
        return statuses;
    }

    @Test
    void theJournalShowsCallsNewestFirstAndFilters() {
        Clients clients = GATEWAY.clients();
        assertEquals(200, READS.get("truefoundry").send().apply(clients).statusCode());
        assertEquals(200, READS.get("agentcloud").send().apply(clients).statusCode());
        Response created = clients.everruns().as("Bearer " + EVR_KEY).create(Map.of("agent_id", AGENT));
        assertEquals(201, created.statusCode(), created.asString());
        String newId = created.jsonPath().getString("id");

        List<Map<String, Object>> all = testing.journal(Map.of()).jsonPath().getList("data");
        assertEquals(
                List.of("everruns", "agentcloud", "truefoundry"),
                all.stream().map(e -> e.get("dialect")).toList(),
                "newest first, the testing endpoints never in it");
        Map<String, Object> create = all.get(0);
        assertEquals("createSession", create.get("operation"));
        assertEquals("POST", create.get("method"));
        assertEquals("/v1/sessions", create.get("path"));
        assertEquals(201, create.get("status"));
        assertEquals(List.of(newId), create.get("sessions"), "a create names the new session");
        assertEquals(created.header("X-Request-Id"), create.get("request_id"));

        // The session filter takes any of a session's ids: the Agentcloud ObjectId finds the TrueFoundry read.
        List<Map<String, Object>> bySession =
                testing.journal(Map.of("session", SESSION_1_AC)).jsonPath().getList("data");
        assertEquals(
                List.of(List.of(SESSION_1_AC), List.of(SESSION_1_TF)),
                bySession.stream().map(e -> e.get("sessions")).toList());
        assertEquals(
                1,
                testing.journal(Map.of("method", "post"))
                        .jsonPath()
                        .getList("data")
                        .size());
        assertEquals(
                3,
                testing.journal(Map.of("status", 200, "limit", 5))
                                .jsonPath()
                                .getList("data")
                                .size()
                        + testing.journal(Map.of("status", 201))
                                .jsonPath()
                                .getList("data")
                                .size());
        assertEquals(
                1,
                testing.journal(Map.of("limit", 1)).jsonPath().getList("data").size());
        assertEquals(
                0,
                testing.journal(Map.of("operation", "nothing"))
                        .jsonPath()
                        .getList("data")
                        .size());

        assertEquals(204, testing.clearJournal().statusCode());
        assertEquals(List.of(), testing.journal(Map.of()).jsonPath().getList("data"));
    }

    @Test
    void resetDeletesWhatTestsWroteReloadsTheFixturesAndClearsRulesAndJournal() {
        Clients clients = GATEWAY.clients();
        Response created = clients.everruns().as("Bearer " + EVR_KEY).create(Map.of("agent_id", AGENT));
        assertEquals(201, created.statusCode(), created.asString());
        Response renamed = clients.everruns().as("Bearer " + EVR_KEY).update(SESSION_1, Map.of("title", "renamed"));
        assertEquals(200, renamed.statusCode(), renamed.asString());
        Response other = clients.admin().bearer(OPERATOR).createAgent("other-tenant", Map.of("name", "x"));
        assertEquals(201, other.statusCode(), other.asString());
        assertEquals(
                201, testing.addFault(Map.of("path", "/nowhere", "status", 500)).statusCode());

        assertEquals(200, testing.reset().statusCode());

        assertEquals(List.of(), testing.faults().jsonPath().getList("data"));
        assertEquals(List.of(), testing.journal(Map.of()).jsonPath().getList("data"));
        Response gone = clients.everruns()
                .as("Bearer " + EVR_KEY)
                .get(created.jsonPath().getString("id"));
        assertEquals(404, gone.statusCode(), gone.asString());
        Response back = READS.get("everruns").send().apply(clients);
        assertEquals("Refund for order 1001", back.jsonPath().getString("title"));
        assertEquals(
                List.of(),
                clients.admin()
                        .bearer(OPERATOR)
                        .listAgents("other-tenant")
                        .jsonPath()
                        .getList("data"),
                "every tenant's data is gone, not only the fixtures' tenants");
        assertEquals(
                Arrays.asList("Refund for order 1001", "Archived chat", null),
                clients.admin().bearer(OPERATOR).listSessions("acme").jsonPath().getList("data.title"));
    }

    @Test
    void aBadFixturesFileAtResetAnswers422AndChangesNothing() throws IOException {
        Clients clients = GATEWAY.clients();
        Response created = clients.everruns().as("Bearer " + EVR_KEY).create(Map.of("agent_id", AGENT));
        assertEquals(201, created.statusCode(), created.asString());
        String good = Files.readString(FIXTURES);
        try {
            Files.writeString(FIXTURES, good.replace("status: waiting", "status: sleeping"));
            Response r = testing.reset();
            assertEquals(422, r.statusCode(), r.asString());
            assertEquals(
                    Map.of(
                            "error",
                            mapOf(
                                    "code",
                                    "invalid_fixtures",
                                    "message",
                                    "fixtures " + FIXTURES + ": tenants[0].sessions[0].status: must be one of created,"
                                            + " running, waiting, completed, failed, cancelled, archived",
                                    "reference",
                                    null)),
                    r.jsonPath().getMap(""));
        } finally {
            Files.writeString(FIXTURES, good);
        }
        Response still = clients.everruns()
                .as("Bearer " + EVR_KEY)
                .get(created.jsonPath().getString("id"));
        assertEquals(200, still.statusCode(), "nothing was deleted: " + still.asString());
    }

    @Test
    void onlyOperatorTokensMayUseThem() {
        TestingClient tenantAdmin = testing(GATEWAY.clients()).bearer(adminToken("acme"));
        TestingClient user = testing(GATEWAY.clients()).bearer(token("acme", "alice"));
        for (TestingClient c : List.of(tenantAdmin, user)) {
            for (Response r : List.of(
                    c.reset(),
                    c.faults(),
                    c.addFault(Map.of("status", 503)),
                    c.clearFaults(),
                    c.deleteFault("fault_1"),
                    c.journal(Map.of()),
                    c.clearJournal())) {
                assertEquals(403, r.statusCode(), r.asString());
                assertEquals("application/json", r.contentType());
            }
        }
        Response forbidden = tenantAdmin.journal(Map.of());
        assertEquals(
                Map.of(
                        "error",
                        mapOf(
                                "code",
                                "operator_required",
                                "message",
                                "an operator token (tenant *) is required",
                                "reference",
                                null)),
                forbidden.jsonPath().getMap(""));
        Response anonymous = testing(GATEWAY.clients()).reset();
        assertEquals(401, anonymous.statusCode(), anonymous.asString());
    }

    @Test
    void rulesNeverMatchTheTestingEndpointsAndCanBeRemoved() {
        Response everything = testing.addFault(Map.of("status", 503));
        assertEquals(201, everything.statusCode(), everything.asString());
        Response listed = testing.faults();
        assertEquals(200, listed.statusCode(), "a rule matching every request spares the testing endpoints");
        assertEquals(1, listed.jsonPath().getList("data").size());
        Response deleted = testing.deleteFault(everything.jsonPath().getString("id"));
        assertEquals(204, deleted.statusCode(), deleted.asString());
        Response again = testing.deleteFault(everything.jsonPath().getString("id"));
        assertEquals(404, again.statusCode(), again.asString());
        assertEquals("fault_rule_not_found", again.jsonPath().getString("error.code"));
    }

    @Test
    void invalidRulesAre422() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("dialect", "everruns"),
                Map.of("status", 302),
                Map.of("status", 503, "reset", true),
                Map.of("status", 503, "times", 0),
                Map.of("status", 503, "probability", 1.5),
                Map.of("status", 503, "times", 1, "probability", 0.5),
                Map.of("status", 503, "seed", 1),
                Map.of("latency", 60001))) {
            Response r = testing.addFault(bad);
            assertEquals(422, r.statusCode(), bad + " -> " + r.asString());
            assertEquals("invalid_request_body", r.jsonPath().getString("error.code"), r.asString());
        }
        assertEquals(List.of(), testing.faults().jsonPath().getList("data"));
    }

    static TestingClient testing(Clients clients) {
        return new TestingClient(() -> clients.routes().to("admin"));
    }

    private static Map<String, Read> reads() {
        Map<String, Read> reads = new LinkedHashMap<>();
        reads.put(
                "truefoundry",
                new Read(
                        "truefoundry",
                        "truefoundry/get-session.yaml",
                        "RequestErrorResponse",
                        c -> c.trueFoundry().bearer(token("acme", "alice")).get("acme", SESSION_1_TF)));
        reads.put(
                "everruns",
                new Read(
                        "everruns",
                        "everruns/get-session.yaml",
                        "ErrorResponse",
                        c -> c.everruns().as("Bearer " + EVR_KEY).get(SESSION_1)));
        reads.put(
                "agentcloud",
                new Read(
                        "agentcloud",
                        "agentcloud/retrieve-session.yaml",
                        "dynamicResponse",
                        c -> c.agentcloud()
                                .bearer(GatewayHarness.fullToken("acme", "alice", null, List.of(DEFAULT_TEAM)))
                                .get(DEFAULT_TEAM, SESSION_1_AC)));
        reads.put(
                "recoup",
                new Read(
                        "recoup",
                        "recoup/get-session.yaml",
                        "Error",
                        c -> c.recoup().apiKey(RCP_KEY).get(SESSION_2)));
        return reads;
    }

    /** A map that may hold nulls, in order. */
    static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Path copyOfExample() {
        try {
            Path dir = Files.createTempDirectory("fixtures-it");
            Path copy = dir.resolve("fixtures.yaml");
            Files.copy(Path.of("..", "docs", "examples", "fixtures.yaml"), copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
