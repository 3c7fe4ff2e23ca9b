package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.restassured.response.Response;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.LogCapture;
import io.sessiongateway.server.testing.TestKeys;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.GatewayAdminClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The attack suite, shared by one class per authentication configuration. Every attack is sent to every dialect it
 * applies to (TrueFoundry, Everruns, Agentcloud, Recoup, admin), once as a read of an existing session and once as a
 * create; each answer must be exactly the dialect's own 401 or 403 envelope with the expected reason (the whole
 * body, through the spec validator), and the store must hold exactly the sessions it held before (read from the
 * database). Every attack token is otherwise honest (the session's owner, the right tenant, account and team, the
 * admin role): only the flaw under test stands between it and the data. Last, the captured logs (production
 * logback.xml, our loggers at DEBUG) and bodies must not contain any token, secret, private key or API key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuthAttackSuite {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup", "admin");
    static final List<String> KEY_DIALECTS = List.of("everruns", "recoup");

    String tenant;
    String otherTenant;
    UUID account;
    String team;
    String agentName;
    String agentEverruns;
    String agentObjectId;
    String sessionId;
    String sessionObjectId;
    UUID tenantUuid;
    final String marker = "attack-suite-title-" + UUID.randomUUID();
    final Map<String, String> keys = new HashMap<>();
    /** Every string that must never appear in a log line or an error body. */
    final Set<String> secrets = new LinkedHashSet<>();

    abstract GatewayHarness gateway();

    /** An honest token of this configuration over the claims. */
    abstract String honest(JWTClaimsSet claims);

    /** The audience tokens of this configuration carry (null when none is configured). */
    abstract String audience();

    /** The attacks that only this configuration has. */
    abstract List<Attack> configurationAttacks();

    /** Secrets of this configuration (HMAC secret, private keys). */
    abstract List<String> configurationSecrets();

    /** What was tried, where, and what each dialect must answer to each operation ("read", "create"). */
    record Attack(
            String name,
            List<String> dialects,
            Function<String, Map<String, String>> headers,
            BiFunction<String, String, Expected> expected) {}

    record Expected(int status, JsonNode body) {}

    // ---------------------------------------------------------------------------------------------------------
    // Set-up: a tenant with an agent and a session (created by an honest token), API keys to revoke and expire.

    @BeforeAll
    void provision() throws Exception {
        tenant = GatewayHarness.uniqueTenant();
        otherTenant = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        agentName = "attack-agent";
        Response agent = admin(tenant)
                .createAgent(tenant, Map.of("name", agentName, "managers", List.of(), "restricted", false));
        assertEquals(201, agent.statusCode(), agent.asString());
        team = agent.jsonPath().getString("team");
        agentEverruns = agent.jsonPath().getString("ids.everruns");
        agentObjectId = agent.jsonPath().getString("ids.agentcloud");
        Response created = gateway()
                .clients()
                .trueFoundry()
                .bearer(honest(claims(tenant).build()))
                .create(tenant, Map.of("agent_name", agentName));
        assertEquals(201, created.statusCode(), created.asString());
        sessionId = created.jsonPath().getString("data.id");
        Response titled = admin(tenant).updateSession(sessionId, Map.of("title", marker));
        assertEquals(200, titled.statusCode(), titled.asString());
        sessionObjectId = titled.jsonPath().getString("ids.agentcloud");
        Response ev = gateway()
                .clients()
                .everruns()
                .bearer(honest(claims(tenant).build()))
                .get(sessionId);
        assertEquals(200, ev.statusCode(), ev.asString());
        tenantUuid = Ids.parsePrefixed("org", ev.jsonPath().getString("organization_id"))
                .orElseThrow();

        Instant soon = Instant.now();
        for (String dialect : KEY_DIALECTS) {
            keys.put(dialect + "-valid", createKey(dialect, null).get("secret"));
            Map<String, String> revoked = createKey(dialect, null);
            keys.put(dialect + "-revoked", revoked.get("secret"));
            // The key works before it is revoked: the revoked case can fail.
            Response before = keyRead(dialect, revoked.get("secret"));
            assertEquals(200, before.statusCode(), before.asString());
            Response del = admin(tenant).revokeApiKey(tenant, revoked.get("id"));
            assertEquals(204, del.statusCode(), del.asString());
            soon = Instant.now().plusSeconds(2);
            Map<String, String> expiring = createKey(dialect, soon);
            keys.put(dialect + "-expired", expiring.get("secret"));
            Response fresh = keyRead(dialect, expiring.get("secret"));
            assertEquals(200, fresh.statusCode(), fresh.asString());
        }
        secrets.addAll(keys.values());
        secrets.addAll(configurationSecrets());
        long wait = Duration.between(Instant.now(), soon).toMillis() + 50;
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    @AfterAll
    void restoreLogging() {
        LogCapture.stop();
    }

    private Map<String, String> createKey(String dialect, Instant expiresAt) {
        Map<String, Object> body = new HashMap<>();
        body.put("dialect", dialect);
        body.put("name", dialect + "-" + UUID.randomUUID());
        body.put("subject_id", "alice");
        body.put("account", account.toString());
        body.put("teams", List.of(team));
        if (expiresAt != null) {
            body.put("expires_at", expiresAt.toString());
        }
        Response r = admin(tenant).createApiKey(tenant, body);
        assertEquals(201, r.statusCode(), r.asString());
        return Map.of(
                "secret", r.jsonPath().getString("secret"), "id", r.jsonPath().getString("key.id"));
    }

    private Response keyRead(String dialect, String key) {
        return dialect.equals("everruns")
                ? gateway().clients().everruns().as(key).get(sessionId)
                : gateway().clients().recoup().apiKey(key).get(sessionId);
    }

    /** Claims of the session's owner with everything every dialect reads, and the admin role. */
    JWTClaimsSet.Builder claims(String tenantName) {
        return TestKeys.claims(GatewayHarness.ISSUER, audience(), tenantName, "alice")
                .claim("account", account.toString())
                .claim("teams", List.of(team == null ? "" : team))
                .claim("roles", List.of("admin"));
    }

    /** The admin API as the tenant's administrator, by a token the gateway under test trusts. */
    GatewayAdminClient admin(String tenantName) {
        return gateway().clients().admin().bearer(honest(claims(tenantName).build()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests and expected answers per dialect.

    Response send(String dialect, String operation, Map<String, String> headers) {
        Clients clients = gateway().clients();
        boolean read = operation.equals("read");
        return switch (dialect) {
            case "truefoundry" ->
                read
                        ? clients.trueFoundry().withHeaders(headers).get(tenant, sessionId)
                        : clients.trueFoundry().withHeaders(headers).create(tenant, Map.of("agent_name", agentName));
            case "everruns" ->
                read
                        ? clients.everruns().withHeaders(headers).get(sessionId)
                        : clients.everruns()
                                .withHeaders(headers)
                                .create(Map.of("agent_id", agentEverruns, "title", "attack"));
            case "agentcloud" ->
                read
                        ? clients.agentcloud().withHeaders(headers).get(team, sessionObjectId)
                        : clients.agentcloud().withHeaders(headers).create(team, Map.of("id", agentObjectId));
            case "recoup" ->
                read
                        ? clients.recoup().withHeaders(headers).get(sessionId)
                        : clients.recoup()
                                .withHeaders(headers)
                                .create(Map.of("title", "attack", "organizationId", tenantUuid.toString()));
            case "admin" ->
                read
                        ? clients.admin().withHeaders(headers).showSession(sessionId)
                        : clients.admin()
                                .withHeaders(headers)
                                .createAgent(
                                        tenant, Map.of("name", "attack-" + UUID.randomUUID(), "managers", List.of()));
            default -> throw new IllegalArgumentException(dialect);
        };
    }

    /** A refused credential in the dialect's own envelope: 401, except Agentcloud's 403 (its documents have no 401). */
    static Expected unauthenticated(String dialect, String message) {
        ObjectNode body = JSON.createObjectNode();
        return switch (dialect) {
            case "truefoundry" -> {
                ObjectNode e = body.putObject("error");
                e.put("message", message)
                        .put("type", "authentication_error")
                        .put("code", "unauthenticated")
                        .putNull("param");
                yield new Expected(401, body);
            }
            case "everruns" -> new Expected(401, body.put("error", message));
            case "agentcloud" -> new Expected(403, body.put("message", message).put("code", 403));
            case "recoup" -> new Expected(401, body.put("status", "error").put("error", message));
            case "admin" -> {
                ObjectNode e = body.putObject("error");
                e.put("code", "unauthenticated").put("message", message).putNull("reference");
                yield new Expected(401, body);
            }
            default -> throw new IllegalArgumentException(dialect);
        };
    }

    static Expected json(int status, String body) {
        try {
            return new Expected(status, JSON.readTree(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(body, e);
        }
    }

    /** A JWT attack: the same token everywhere, refused everywhere for the same reason. */
    Attack jwt(String name, String token, String reason) {
        secrets.addAll(TestKeys.secretParts(token));
        return new Attack(
                name, DIALECTS, d -> Map.of("Authorization", "Bearer " + token), (d, op) -> unauthenticated(d, reason));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The attacks every configuration must refuse.

    List<Attack> commonAttacks() {
        List<Attack> attacks = new ArrayList<>();
        String honest = honest(claims(tenant).build());
        secrets.addAll(TestKeys.secretParts(honest));
        Instant now = Instant.now();
        attacks.add(
                jwt("alg none", TestKeys.none(claims(tenant).build()), "unsigned tokens (alg none) are not accepted"));
        attacks.add(jwt(
                "alg None with the signature left on",
                TestKeys.noneWithSignature(honest),
                "token algorithm not accepted"));
        attacks.add(jwt(
                "expired",
                honest(claims(tenant)
                        .issueTime(Date.from(now.minusSeconds(7200)))
                        .notBeforeTime(Date.from(now.minusSeconds(7200)))
                        .expirationTime(Date.from(now.minusSeconds(600)))
                        .build()),
                "token has expired"));
        attacks.add(jwt(
                "not yet valid (nbf beyond the skew)",
                honest(claims(tenant)
                        .notBeforeTime(Date.from(now.plusSeconds(600)))
                        .build()),
                "token is not yet valid"));
        attacks.add(jwt(
                "wrong issuer",
                honest(claims(tenant).issuer("https://evil.example/").build()),
                "token issuer not accepted"));
        attacks.add(jwt("no exp", honest(claims(tenant).expirationTime(null).build()), "token has no expiry (exp)"));
        JWTClaimsSet forged = claims(tenant)
                .subject("mallory")
                .claim("account", UUID.randomUUID().toString())
                .build();
        attacks.add(jwt(
                "tampered payload, original signature",
                TestKeys.tamper(
                        honest(claims(otherTenant).build()), claims(tenant).build()),
                "token signature is not valid"));
        attacks.add(jwt(
                "tampered claims of another subject, original signature",
                TestKeys.tamper(honest, forged),
                "token signature is not valid"));
        attacks.add(
                jwt("truncated signature", honest.substring(0, honest.length() - 8), "token signature is not valid"));
        attacks.add(jwt(
                "truncated to header and payload",
                honest.substring(0, honest.lastIndexOf('.')),
                "malformed bearer token"));
        attacks.add(jwt("garbage", "garbage-" + UUID.randomUUID(), "malformed bearer token"));
        attacks.add(jwt("three garbage segments", "Zm9v.YmFy.YmF6", "malformed bearer token"));
        attacks.add(crossTenant());
        for (String state : List.of("revoked", "expired")) {
            attacks.add(new Attack(
                    state + " API key",
                    KEY_DIALECTS,
                    d -> d.equals("everruns")
                            ? Map.of("Authorization", keys.get(d + "-" + state))
                            : Map.of("x-api-key", keys.get(d + "-" + state)),
                    (d, op) -> unauthenticated(
                            d, "API key has " + (state.equals("revoked") ? "been revoked" : "expired"))));
        }
        attacks.add(new Attack(
                "both x-api-key and Authorization",
                List.of("recoup"),
                d -> Map.of("x-api-key", keys.get("recoup-valid"), "Authorization", "Bearer " + honest),
                (d, op) -> unauthenticated(d, "send exactly one of x-api-key or Authorization, not both")));
        return attacks;
    }

    /**
     * An honest token of another tenant that names this tenant's account and team. The URLs of TrueFoundry,
     * Agentcloud and admin name the tenant; Everruns' and Recoup's do not, so there the session (or agent) simply
     * does not exist for the caller: 404, as for a missing one (intended, see README "Access rules").
     */
    Attack crossTenant() {
        String token = honest(claims(otherTenant).build());
        secrets.addAll(TestKeys.secretParts(token));
        return new Attack(
                "token for another tenant",
                DIALECTS,
                d -> Map.of("Authorization", "Bearer " + token),
                (d, op) -> switch (d) {
                    case "truefoundry" ->
                        json(
                                401,
                                "{\"error\":{\"message\":\"token is not valid for tenant '"
                                        + tenant + "'\",\"type\":\"authentication_error\",\"code\":\"tenant_mismatch\","
                                        + "\"param\":null}}");
                    case "everruns" ->
                        op.equals("read")
                                ? json(404, "{\"error\":\"session '" + sessionId + "' not found\"}")
                                : json(404, "{\"error\":\"agent '" + agentEverruns + "' not found\"}");
                    case "agentcloud" ->
                        json(403, "{\"message\":\"invalid permissions on the resourceSlug\",\"code\":403}");
                    case "recoup" ->
                        op.equals("read")
                                ? json(404, "{\"status\":\"error\",\"error\":\"session not found\"}")
                                : json(
                                        403,
                                        "{\"status\":\"error\",\"error\":\"Access denied to specified organization_id\"}");
                    case "admin" ->
                        op.equals("read")
                                ? json(
                                        404,
                                        "{\"error\":{\"code\":\"session_not_found\",\"message\":\"session '" + sessionId
                                                + "' not found\",\"reference\":null}}")
                                : json(
                                        403,
                                        "{\"error\":{\"code\":\"admin_required\",\"message\":\"an admin token for tenant '"
                                                + tenant + "' is required\",\"reference\":null}}");
                    default -> throw new IllegalArgumentException(d);
                });
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The control: the very requests the attacks make succeed with honest credentials (so only the flaw fails). */
    @Test
    @Order(1)
    void honestCredentialsReadAndCreateInEveryDialect() {
        Map<String, String> bearer =
                Map.of("Authorization", "Bearer " + honest(claims(tenant).build()));
        Map<String, Integer> created =
                Map.of("truefoundry", 201, "everruns", 201, "agentcloud", 200, "recoup", 200, "admin", 201);
        for (String d : DIALECTS) {
            Response r = send(d, "read", bearer);
            assertEquals(200, r.statusCode(), d + ": " + r.asString());
            assertTrue(r.asString().contains(d.equals("agentcloud") ? sessionObjectId : sessionId), d);
            Response c = send(d, "create", bearer);
            assertEquals(created.get(d), c.statusCode(), d + " create: " + c.asString());
        }
        for (String d : KEY_DIALECTS) {
            Response r = keyRead(d, keys.get(d + "-valid"));
            assertEquals(200, r.statusCode(), d + ": " + r.asString());
        }
    }

    @TestFactory
    @Order(2)
    Stream<DynamicNode> attacks() {
        List<Attack> all = new ArrayList<>(commonAttacks());
        all.addAll(configurationAttacks());
        return all.stream()
                .map(a -> DynamicContainer.dynamicContainer(
                        a.name(),
                        a.dialects().stream()
                                .flatMap(d -> Stream.of("read", "create")
                                        .map(op -> DynamicTest.dynamicTest(d + " " + op, () -> attempt(a, d, op))))));
    }

    private void attempt(Attack attack, String dialect, String operation) throws IOException {
        List<String> before = gateway().sessionSnapshot();
        Map<String, String> headers = attack.headers().apply(dialect);
        Response r = send(dialect, operation, headers);
        Expected expected = attack.expected().apply(dialect, operation);
        String body = r.asString();
        assertEquals(expected.status(), r.statusCode(), body);
        assertEquals(expected.body(), JSON.readTree(body), "the whole body");
        assertEquals("application/json", r.contentType().replaceAll(";.*", ""), "content type");
        for (String leak : List.of(marker, sessionObjectId, account.toString(), tenantUuid.toString())) {
            assertFalse(body.contains(leak), "the body leaks session data: " + body);
        }
        if (!attack.name().startsWith("token for another tenant")) {
            assertFalse(body.contains(sessionId), "the body names the session: " + body);
        }
        for (String s : secrets) {
            assertFalse(body.contains(s), "the body quotes a credential");
        }
        for (String v : headers.values()) {
            String credential = v.startsWith("Bearer ") ? v.substring(7) : v;
            assertFalse(credential.length() >= 8 && body.contains(credential), "the body quotes the credential");
        }
        assertEquals(before, gateway().sessionSnapshot(), "the store's sessions changed");
    }

    @Test
    @Order(3)
    void noCredentialSecretOrKeyInAnyLogLine() {
        String all = LogCapture.captured();
        assertTrue(all.contains("bearer token refused"), "the suite ran with our loggers at DEBUG: " + all);
        List<String> leaks = LogCapture.linesContainingAny(
                secrets.stream().filter(s -> s.length() >= 12).toList());
        assertEquals(List.of(), leaks, "log lines that quote a token, secret, key or API key");
    }

    static Map<String, String> env(Map<String, String> extra) {
        return new LinkedHashMap<>(extra);
    }
}
