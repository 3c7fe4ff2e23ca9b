package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.server.testing.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast reads ({@code gateway.http.fast-reads}, on by default) answer exactly as Jersey does: two gateways over
 * one store with the example fixtures, one with fast reads on and one with them off, get the same requests over a
 * raw socket; status line, every header in order (Date left out, the request id's value compared only where the
 * client sent one) and the body are equal byte for byte. Each fixture session that its dialect lets a caller read is
 * served by the fast path (its counter moves by one); every error, and every request the fast path must leave alone
 * (query strings, HEAD, other Accept, odd paths, the stats route), falls through to Jersey (the counter stays).
 */
class FastReadsIT {
    static final Path FIXTURES =
            Path.of("..", "docs", "examples", "fixtures.yaml").toAbsolutePath().normalize();

    @RegisterExtension
    static final GatewayHarness ON = new GatewayHarness(Map.of("GATEWAY_FIXTURES", FIXTURES.toString()));

    static GatewayHarness off;

    static final UUID BOB_ACCOUNT = UUID.fromString("3f1c2a44-0d5e-4c6b-9a10-000000000b0b");
    static final String EVR_ALICE = "evr_fixture_acme_alice_0000000000000000000001";
    static final String RCP_BOB = "rcp_fixture_acme_bob_00000000000000000000000001";
    static final String S1 = "session_0193a000000070008000000000000001";
    static final String S2 = "session_0193a000000070008000000000000002";
    static final String S3 = "session_0193a000000070008000000000000003";
    static final String TEAM = "66a0000000000000000000d1";
    static final String RESEARCH = "66a0000000000000000000a1";

    @BeforeAll
    static void startTheOtherGateway() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_FIXTURES", FIXTURES.toString());
        env.put("GATEWAY_HTTP_FAST_READS", "false");
        Map<String, String> db = new HashMap<>(ON.databaseEnv());
        if (db.isEmpty()) {
            db.put("GATEWAY_DB_URL", DatabaseConfig.h2FileUrl(ON.dataDir()));
        }
        env.putAll(db);
        off = new GatewayHarness(env);
        off.open();
        assertEquals(-1, off.server().fastReadsServed());
    }

    @AfterAll
    static void stopIt() throws IOException {
        if (off != null) {
            off.close();
        }
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    static String alice() {
        return token("acme", "alice");
    }

    static String bob() {
        return token("acme", "bob");
    }

    static String carol() {
        return token("acme", "carol", "serviceaccount", null, false, Duration.ofHours(1));
    }

    /** Requests the fast path answers: every fixture session each dialect lets the caller read. */
    static Stream<Arguments> served() {
        return Stream.of(
                // TrueFoundry: the owner, a manager of the agent, a service account owner
                Arguments.of("/acme/v1/agents/sessions/tf-session-0001", bearer(alice())),
                Arguments.of("/acme/v1/agents/sessions/" + S2, bearer(bob())),
                Arguments.of("/acme/v1/agents/sessions/" + S2, bearer(alice())),
                Arguments.of("/acme/v1/agents/sessions/research-0003", bearer(carol())),
                // Everruns: pinned by the caller (API key) or not, archived, completed
                Arguments.of("/v1/sessions/" + S1, Map.of("Authorization", "Bearer " + EVR_ALICE)),
                Arguments.of("/v1/sessions/" + S1, Map.of("Authorization", EVR_ALICE)),
                Arguments.of("/v1/sessions/" + S1, bearer(bob())),
                Arguments.of("/v1/sessions/" + S2, bearer(alice())),
                Arguments.of("/v1/sessions/" + S3, bearer(carol())),
                // Agentcloud: team sharing, public without credentials, another team
                Arguments.of(
                        "/" + TEAM + "/session/66a0000000000000000000c1.json",
                        bearer(fullToken("acme", "alice", null, List.of(TEAM)))),
                Arguments.of("/" + TEAM + "/session/66a0000000000000000000c2.json", Map.of()),
                Arguments.of(
                        "/" + TEAM + "/session/66a0000000000000000000c2.json",
                        bearer(fullToken("acme", "bob", BOB_ACCOUNT, List.of(TEAM)))),
                // Recoup: API key and JWT of the owning account
                Arguments.of("/api/sessions/" + S2, Map.of("x-api-key", RCP_BOB)),
                Arguments.of("/api/sessions/" + S2, bearer(fullToken("acme", "bob", BOB_ACCOUNT, List.of()))),
                // a caller's request id is echoed
                Arguments.of(
                        "/v1/sessions/" + S1, Map.of("Authorization", "Bearer " + EVR_ALICE, "X-Request-Id", "fast-1")),
                Arguments.of("/acme/v1/agents/sessions/tf-session-0001", withAccept(bearer(alice()), "*/*")),
                Arguments.of(
                        "/acme/v1/agents/sessions/tf-session-0001", withAccept(bearer(alice()), "application/json")));
    }

    /** Requests the fast path leaves to Jersey. */
    static Stream<Arguments> handedOver() {
        return Stream.of(
                // no, malformed, refused or foreign credentials
                Arguments.of("GET", "/acme/v1/agents/sessions/tf-session-0001", Map.of()),
                Arguments.of("GET", "/acme/v1/agents/sessions/tf-session-0001", bearer("not-a-jwt")),
                Arguments.of("GET", "/acme/v1/agents/sessions/tf-session-0001", Map.of("Authorization", "Basic x")),
                Arguments.of("GET", "/acme/v1/agents/sessions/tf-session-0001", bearer(token("globex", "alice"))),
                Arguments.of("GET", "/acme/v1/agents/sessions/research-0003", bearer(bob())),
                Arguments.of("GET", "/v1/sessions/" + S1, Map.of()),
                Arguments.of("GET", "/v1/sessions/" + S1, Map.of("Authorization", "evr_wrong")),
                Arguments.of("GET", "/api/sessions/" + S2, Map.of()),
                Arguments.of("GET", "/api/sessions/" + S2, Map.of("x-api-key", "rcp_wrong")),
                Arguments.of("GET", "/api/sessions/" + S2, bearer(alice())),
                Arguments.of("GET", "/" + TEAM + "/session/66a0000000000000000000c1.json", Map.of()),
                Arguments.of("GET", "/" + RESEARCH + "/session/66a0000000000000000000c1.json", bearer(alice())),
                // unknown and malformed ids
                Arguments.of("GET", "/acme/v1/agents/sessions/nope", bearer(alice())),
                Arguments.of("GET", "/acme/v1/agents/sessions/" + "x".repeat(70), bearer(alice())),
                Arguments.of("GET", "/v1/sessions/session_0193a0000000700080000000000000ff", bearer(alice())),
                Arguments.of("GET", "/v1/sessions/not-an-id", bearer(alice())),
                Arguments.of("GET", "/" + TEAM + "/session/zz.json", bearer(alice())),
                Arguments.of("GET", "/api/sessions/nope", Map.of("x-api-key", RCP_BOB)),
                // what the fast path does not claim: other routes, methods, query strings, media types, odd paths
                Arguments.of("GET", "/v1/sessions/stats", bearer(alice())),
                Arguments.of("HEAD", "/v1/sessions/" + S1, bearer(bob())),
                Arguments.of("DELETE", "/acme/v1/agents/sessions/tf-session-0001", bearer(alice())),
                Arguments.of("GET", "/v1/sessions/" + S1 + "?x=1", bearer(bob())),
                Arguments.of("GET", "/v1/sessions/" + S1 + "/", bearer(bob())),
                Arguments.of("GET", "/v1/sessions/session_0193a00000007000800000000000000%31", bearer(bob())),
                Arguments.of("GET", "/v1/sessions/" + S1, withAccept(bearer(bob()), "application/xml")),
                Arguments.of("GET", "/v1/sessions/" + S1, withAccept(bearer(bob()), "text/html, application/json")),
                Arguments.of("GET", "/health/x/v1/agents/sessions/tf-session-0001", bearer(alice())));
    }

    static Map<String, String> withAccept(Map<String, String> headers, String accept) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", accept);
        return all;
    }

    @ParameterizedTest
    @MethodSource("served")
    void fastReadsAnswerAsJerseyDoes(String path, Map<String, String> headers) throws IOException {
        long before = ON.server().fastReadsServed();
        String fast = exchange(ON, "GET", path, headers);
        assertEquals(before + 1, ON.server().fastReadsServed(), "served by the fast path: " + path);
        String jersey = exchange(off, "GET", path, headers);
        assertEquals(jersey, fast);
        assertEquals("HTTP/1.1 200 OK", fast.substring(0, fast.indexOf('\n')));
        // and the answer is the document's (the validating client)
        var spec = ON.given();
        headers.forEach(spec::header);
        spec.get(path).then().statusCode(200);
    }

    @ParameterizedTest
    @MethodSource("handedOver")
    void everythingElseIsJerseys(String method, String path, Map<String, String> headers) throws IOException {
        long before = ON.server().fastReadsServed();
        String fast = exchange(ON, method, path, headers);
        assertEquals(before, ON.server().fastReadsServed(), "not served by the fast path: " + method + " " + path);
        String jersey = exchange(off, method, path, headers);
        assertEquals(jersey, fast);
    }

    /**
     * One request on its own connection; the response as text: the status line, the headers in order (Date left
     * out; a generated request id replaced by {@code *}), an empty line and the body.
     */
    static String exchange(GatewayHarness gateway, String method, String path, Map<String, String> headers)
            throws IOException {
        int port = gateway.server().port();
        StringBuilder request = new StringBuilder(
                method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        byte[] raw;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            raw = all.toByteArray();
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        List<String> lines = new ArrayList<>(List.of(text.substring(0, end).split("\r\n")));
        boolean sentId = headers.containsKey("X-Request-Id");
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("date:")) {
                continue;
            }
            if (lower.startsWith("x-request-id:") && !sentId) {
                kept.add("X-Request-Id: *");
                continue;
            }
            kept.add(line);
        }
        // Agentcloud's csrf token is random per answer (by design): its value is left out, its length is not
        String body = text.substring(end + 4).replaceAll("\"csrf\":\"[^\"]*\"", "\"csrf\":\"*\"");
        return String.join("\n", kept) + "\n\n" + body;
    }
}
