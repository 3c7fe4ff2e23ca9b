package io.sessiongateway.server.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.restassured.response.Response;
import io.sessiongateway.server.conformance.ScenarioTable.Scenario;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.spec.SpecCatalog;
import io.sessiongateway.server.testing.spec.SpecOperation;
import io.sessiongateway.server.testing.spec.SpecOperation.Parameter;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Garbage a client can send, for every operation of every document: broken JSON (malformed, trailing tokens,
 * duplicate keys, invalid UTF-8, too deep, huge), wrong or missing content types, bodies over the configured limit
 * (with and without a length), unacceptable Accept headers, duplicate query parameters, hostile path values,
 * malformed credentials, unknown routes and wrong methods under each dialect's mount. Each must get the dialect's
 * envelope and a 4xx (the documented status where one applies; see docs/conformance.md for the nearest sensible
 * ones), never a 5xx or a hang, and a refused write must leave the store as it was.
 *
 * <p>The schema-derived violations of every parameter and body property (missing, null, wrong type, empty, too
 * long, off-pattern, wrong format, unknown enum value, out of range) run in {@link ConformanceIT}, with the same
 * write checks, since they are how each document's validation status is covered.
 */
class BadInputIT {
    static final int MAX_BODY = 64 * 1024;

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(withMaxBody(Fixtures.harnessEnv()));

    private static Map<String, String> withMaxBody(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("GATEWAY_MAX_BODY_BYTES", Integer.toString(MAX_BODY));
        return all;
    }

    static final SpecCatalog CATALOG = SpecCatalog.shared();
    static final Coverage COVERAGE = new Coverage();
    static final Set<Integer> ANY_4XX =
            new TreeSet<>(IntStream.range(400, 500).boxed().toList());

    @TestFactory
    List<DynamicContainer> garbageGetsAnEnvelopedClientError() {
        List<DynamicContainer> dialects = new ArrayList<>();
        for (ScenarioTable table : Dialects.all()) {
            Fixture fixture = table.fixture(GATEWAY);
            List<Exchange> all = new ArrayList<>();
            for (SpecOperation op : Dialects.served(CATALOG, table.dialect())) {
                all.addAll(forOperation(table, fixture, op));
            }
            all.addAll(routes(table, fixture));
            dialects.add(dynamicContainer(
                    table.dialect(),
                    all.stream()
                            .map(x -> dynamicTest(x.name(), () -> {
                                Response r = Generator.run(GATEWAY, table, fixture, x, COVERAGE);
                                if (r.statusCode() == 405) {
                                    assertNotNull(r.header("Allow"), "405 names the allowed methods");
                                }
                            }))));
        }
        return dialects;
    }

    /**
     * Java's own HttpClient asks every new plain-HTTP connection to upgrade to h2c; the gateway answers over
     * HTTP/1.1 instead of hanging, for requests without a body, with a length, and chunked.
     */
    @Test
    void javaHttpClientsUpgradeRequestsAreAnsweredOverHttp11() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        String agent = (String) ((Map<?, ?>) GATEWAY.provisioning()
                        .agent(tenant, "helper", List.of(), false)
                        .json()
                        .get("ids"))
                .get("everruns");
        String bearer = "Bearer " + GatewayHarness.token(tenant, "alice");
        String body = "{\"agent_id\":\"" + agent + "\"}";
        List<HttpRequest.BodyPublisher> publishers = List.of(
                HttpRequest.BodyPublishers.ofString(body),
                HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        for (HttpRequest.BodyPublisher publisher : publishers) {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> created = client.send(
                    HttpRequest.newBuilder(URI.create(GATEWAY.baseUri() + "/v1/sessions"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", bearer)
                            .header("Content-Type", "application/json")
                            .POST(publisher)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertValid("POST", "/v1/sessions", created, 201);
            String path =
                    "/v1/sessions/" + Fixture.read(created.body()).path("id").asText();
            HttpClient fresh = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> read = fresh.send(
                    HttpRequest.newBuilder(URI.create(GATEWAY.baseUri() + path))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", bearer)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertValid("GET", path, read, 200);
        }
    }

    /**
     * A TRACE with a body (Schemathesis sends one) is answered 405, and the connection stays usable: the body is
     * read, not parsed as the next request (which then got an empty 505), with a length and chunked.
     */
    @Test
    void traceWithABodyLeavesTheConnectionInStep() throws Exception {
        URI base = URI.create(GATEWAY.baseUri());
        String json = "{\"agent_name\": \"0\"}";
        List<String> framings = List.of(
                "Content-Length: " + json.length() + "\r\n\r\n" + json,
                "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(json.length()) + "\r\n" + json
                        + "\r\n0\r\n\r\n");
        for (String framing : framings) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(10_000);
                String requests = "TRACE /acme/v1/agents/sessions HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\n" + framing
                        + "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
                String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                // bodies end without a newline: the next status line starts right after one
                List<String> statusLines = Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+")
                        .matcher(answers)
                        .results()
                        .map(MatchResult::group)
                        .toList();
                assertEquals(List.of("HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 200 OK"), statusLines, answers);
                assertTrue(answers.contains("\"code\":\"method_not_allowed\""), answers);
            }
        }
    }

    private static void assertValid(String method, String path, HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_1_1, r.version());
        assertEquals(
                List.of(),
                GatewayHarness.validator()
                        .validate(
                                method,
                                path,
                                r.statusCode(),
                                r.headers().firstValue("Content-Type").orElse(null),
                                r.body()));
    }

    @AfterAll
    static void noViolations() {
        assertEquals(
                List.of(),
                COVERAGE.problems().stream()
                        .filter(p -> !p.endsWith("not covered"))
                        .toList());
    }

    /** The status the table gives a malformed credential (401, or Agentcloud's 403). */
    static Set<Integer> garbageCredentialStatus(ScenarioTable table, SpecOperation op) {
        Set<Integer> statuses = new LinkedHashSet<>();
        for (int status : op.statuses()) {
            for (Scenario sc : table.scenarios(status)) {
                if (sc.kind() == Scenario.Kind.REQUEST && sc.who() == Who.GARBAGE) {
                    statuses.add(status);
                }
            }
        }
        return statuses;
    }

    static Exchange base(String name, ScenarioTable table, Fixture fixture, SpecOperation op) {
        Exchange x = Generator.request(op + ": " + name, table, fixture, op, Variant.EXISTING, false);
        String scheme =
                op.securitySchemes().isEmpty() ? null : op.securitySchemes().get(0);
        x.headers.putAll(fixture.headers(Who.OWNER, scheme));
        x.strict = false;
        x.checkNoWrite = op.writes();
        return x;
    }

    static List<Exchange> forOperation(ScenarioTable table, Fixture fixture, SpecOperation op) {
        List<Exchange> out = new ArrayList<>();
        Set<Integer> invalid = Generator.validationStatuses(table, op, false);
        if (op.body() != null) {
            Map<String, byte[]> broken = new LinkedHashMap<>();
            broken.put("malformed JSON", "{\"a\": ".getBytes(StandardCharsets.UTF_8));
            broken.put("trailing tokens after the object", "{} {}".getBytes(StandardCharsets.UTF_8));
            broken.put("duplicate keys", "{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.UTF_8));
            broken.put("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            broken.put("a lone surrogate escape", "{\"a\": \"\\ud800\"}".getBytes(StandardCharsets.UTF_8));
            broken.put(
                    "nested 200 deep",
                    ("{\"a\": " + "[".repeat(200) + "]".repeat(200) + "}").getBytes(StandardCharsets.UTF_8));
            broken.put(
                    "a huge array instead of an object (just under the limit)",
                    ("[" + "0,".repeat(MAX_BODY / 2 - 2) + "0]").getBytes(StandardCharsets.UTF_8));
            broken.put("a bare string", "\"text\"".getBytes(StandardCharsets.UTF_8));
            broken.put("NaN", "{\"a\": NaN}".getBytes(StandardCharsets.UTF_8));
            broken.put("a BOM before the object", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
            broken.forEach((name, bytes) -> {
                Exchange x = base("body: " + name, table, fixture, op);
                x.contentType = "application/json";
                x.body = bytes;
                // "\ud800" is valid JSON text whose string is not valid Unicode: it must not get in, however
                // refused; a BOM is tolerated by some parsers. Both must still be 4xx when refused.
                x.expected = name.equals("a lone surrogate escape") || name.equals("a BOM before the object")
                        ? union(invalid, success(op))
                        : invalid;
                out.add(x);
            });
            byte[] valid = base("", table, fixture, op).body;
            Exchange over = base("body over the limit (Content-Length)", table, fixture, op);
            over.body = oversized(valid);
            over.expected = Set.of(413);
            out.add(over);
            Exchange chunked = base("body over the limit (chunked, no length)", table, fixture, op);
            chunked.body = oversized(valid);
            chunked.streamBody = true;
            chunked.expected = Set.of(413);
            out.add(chunked);
            for (String type : List.of(
                    "text/plain", "application/xml", "application/x-www-form-urlencoded", "application/jsonx")) {
                Exchange x = base("content type " + type, table, fixture, op);
                x.contentType = type;
                x.expected = Set.of(415);
                out.add(x);
            }
            Exchange noType = base("a body without Content-Type", table, fixture, op);
            noType.contentType = null;
            noType.expected = Set.of(415);
            out.add(noType);
        }
        // Only operations whose answers are all JSON refuse an HTML-only Accept; the docs page and its assets
        // (health.yaml: text/html, text/css, ...) serve what they declare whatever the client accepts.
        boolean jsonOnly = op.responses().stream()
                .flatMap(r -> r.content().stream())
                .allMatch(c -> c.mediaType().contains("json"));
        if (jsonOnly) {
            Exchange html = base("Accept: text/html only", table, fixture, op);
            html.headers.put("Accept", "text/html");
            html.expected = Set.of(406);
            out.add(html);
        }

        Exchange unknownQuery = base("an unknown query parameter, twice", table, fixture, op);
        unknownQuery.query.add(Map.entry("conformance", "1"));
        unknownQuery.query.add(Map.entry("conformance", "2"));
        // an operation that always refuses (TrueFoundry's DELETE and PATCH: 405) still refuses
        unknownQuery.expected = success(op).isEmpty() ? new TreeSet<>(op.statuses()) : success(op);
        unknownQuery.checkNoWrite = false;
        out.add(unknownQuery);
        for (Parameter p : op.parameters("query")) {
            Exchange x = base("query parameter " + p.name() + " twice", table, fixture, op);
            SchemaData data = new SchemaData(op.document(), key -> Optional.empty(), null);
            String v = data.valid(p.schema(), null, false).asText();
            x.query.removeIf(e -> e.getKey().equals(p.name()));
            x.query.add(Map.entry(p.name(), v));
            x.query.add(Map.entry(p.name(), v));
            x.expected = invalid.isEmpty() ? ANY_4XX : invalid;
            out.add(x);
        }
        for (Parameter p : op.parameters()) {
            if (!p.in().equals("path") && !p.in().equals("server")) {
                continue;
            }
            Map<String, String> hostile = new LinkedHashMap<>();
            hostile.put("2000 characters", "a".repeat(2000));
            hostile.put("a NUL byte", "x\u0000y");
            hostile.put("an encoded slash", "a/b");
            hostile.put("non-ASCII", "漢字😀");
            hostile.put("dot-dot", "..");
            hostile.put("SQL", "' OR '1'='1");
            hostile.forEach((name, value) -> {
                Exchange x = base("path " + p.name() + ": " + name, table, fixture, op);
                x.pathValues.put(p.name(), value);
                x.expected = ANY_4XX;
                out.add(x);
            });
            Exchange raw = base("path " + p.name() + ": invalid UTF-8 escape", table, fixture, op);
            String path = raw.path();
            raw.rawPath = path.replace(Exchange.encode(raw.pathValues.get(p.name())), "%C3%28");
            raw.expected = ANY_4XX;
            out.add(raw);
        }
        Set<Integer> badCredential = garbageCredentialStatus(table, op);
        if (!badCredential.isEmpty()) {
            Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
            credentials.put("Bearer without a token", Map.of("Authorization", "Bearer"));
            credentials.put("Basic credentials", Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"));
            credentials.put("a 4 KB token", Map.of("Authorization", "Bearer " + "A".repeat(4096)));
            credentials.put("a token of three empty parts", Map.of("Authorization", "Bearer .."));
            credentials.put("alg none", Map.of("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
            credentials.put("two Authorization headers", Map.of("Authorization", "Bearer a, Bearer b"));
            credentials.forEach((name, headers) -> {
                Exchange x = base("credential: " + name, table, fixture, op);
                x.headers.remove("Authorization");
                x.headers.remove("x-api-key");
                x.headers.putAll(headers);
                x.expected = union(badCredential, invalid);
                out.add(x);
            });
        }
        return out;
    }

    /** Unknown routes under the mount of every operation, and methods the documents do not declare for a path. */
    static List<Exchange> routes(ScenarioTable table, Fixture fixture) {
        List<Exchange> out = new ArrayList<>();
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        Map<String, SpecOperation> byTemplate = new LinkedHashMap<>();
        for (SpecOperation op : Dialects.served(CATALOG, table.dialect())) {
            methods.computeIfAbsent(op.template(), t -> new TreeSet<>()).add(op.method());
            byTemplate.putIfAbsent(op.template(), op);
        }
        for (Map.Entry<String, Set<String>> e : methods.entrySet()) {
            SpecOperation op = byTemplate.get(e.getKey());
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                if (e.getValue().contains(method)) {
                    continue;
                }
                Exchange x = base("method " + method + " on " + e.getKey(), table, fixture, op);
                x.method = method;
                // A literal segment may also fill another operation's variable (DELETE …/forms/session/add is the
                // delete of a session whose id is "add"): then it is that operation's bad input.
                x.expected = GatewayHarness.validator()
                                .findOperation(method, x.path())
                                .isPresent()
                        ? ANY_4XX
                        : Set.of(405);
                x.checkNoWrite = true;
                out.add(x);
            }
            Exchange deeper = base("unknown route below " + e.getKey(), table, fixture, op);
            deeper.rawPath = deeper.path() + "/conformance-unknown";
            deeper.method = "GET";
            deeper.body = null;
            // Below a collection may be another operation's item path: then it is that operation's bad input.
            deeper.expected = GatewayHarness.validator()
                            .findOperation("GET", deeper.rawPath)
                            .isPresent()
                    ? ANY_4XX
                    : Set.of(404, 405);
            out.add(deeper);
            Exchange sibling = base("unknown route beside " + e.getKey(), table, fixture, op);
            String path = sibling.path();
            sibling.rawPath = path.substring(0, path.lastIndexOf('/')) + "/conformance-unknown";
            sibling.method = "POST";
            sibling.expected = Set.of(404, 405);
            sibling.checkNoWrite = true;
            out.add(sibling);
        }
        return out;
    }

    static Set<Integer> success(SpecOperation op) {
        Set<Integer> ok = new TreeSet<>();
        op.statuses().stream().filter(s -> s < 300).forEach(ok::add);
        return ok;
    }

    static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** A JSON object one byte over the limit: the valid body with a long extra string. */
    static byte[] oversized(byte[] valid) {
        String v = valid == null ? "{}" : new String(valid, StandardCharsets.UTF_8);
        String prefix = "{\"padding\": \"";
        String suffix = "\"," + v.substring(1);
        if (v.equals("{}")) {
            suffix = "\"}";
        }
        int pad = MAX_BODY + 1 - prefix.length() - suffix.length();
        byte[] bytes = (prefix + "x".repeat(pad) + suffix).getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length == MAX_BODY + 1, "one byte over");
        return bytes;
    }
}
