package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API keys from creation to revocation, against the real store: hashed at rest (the api_key row read directly holds
 * no plaintext beyond the 12-character display prefix, only the SHA-256), scoped to their tenant, account and
 * dialect, optional expiry honoured, revocation effective on the very next request, last use recorded (in the
 * table and in the admin API's {@code last_used_at}).
 */
class ApiKeyLifecycleIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    static String tenant;
    static String otherTenant;
    static UUID account;
    static UUID otherAccount;
    static String mine;
    static String othersInTenant;
    static String inOtherTenant;

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        otherTenant = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        otherAccount = UUID.randomUUID();
        mine = recoupCreate(fullToken(tenant, "alice", account, List.of()));
        othersInTenant = recoupCreate(fullToken(tenant, "bob", otherAccount, List.of()));
        inOtherTenant = recoupCreate(fullToken(otherTenant, "alice", account, List.of()));
    }

    static String recoupCreate(String token) {
        Response r = CLIENTS.recoup().bearer(token).create(null);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getString("session.id");
    }

    static Map<String, Object> createKey(String dialect, UUID acct, Instant expiresAt) {
        Map<String, Object> body = new HashMap<>();
        body.put("dialect", dialect);
        body.put("name", "lifecycle-" + UUID.randomUUID());
        body.put("subject_id", "svc");
        body.put("subject_type", "serviceaccount");
        body.put("account", acct == null ? null : acct.toString());
        body.put("teams", List.of());
        if (expiresAt != null) {
            body.put("expires_at", expiresAt.toString());
        }
        return GATEWAY.provisioning().key(tenant, body).json();
    }

    static String secret(Map<String, Object> created) {
        return (String) created.get("secret");
    }

    @SuppressWarnings("unchecked")
    static String id(Map<String, Object> created) {
        return (String) ((Map<String, Object>) created.get("key")).get("id");
    }

    static Response recoupGet(String key, String sessionId) {
        return CLIENTS.recoup().apiKey(key).get(sessionId);
    }

    static Response everrunsGet(String key, String sessionId) {
        return CLIENTS.everruns().as(key).get(sessionId);
    }

    static void assertRecoup(Response r, int status, String error) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals("{\"status\":\"error\",\"error\":\"" + error + "\"}", r.asString());
    }

    static void assertEverruns(Response r, int status, String error) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals("{\"error\":\"" + error + "\"}", r.asString());
    }

    static Map<String, Object> listed(String keyId) {
        Response r = CLIENTS.admin(tenant).listApiKeys(tenant);
        assertEquals(200, r.statusCode(), r.asString());
        List<Map<String, Object>> keys = r.jsonPath().getList("data");
        return keys.stream().filter(k -> keyId.equals(k.get("id"))).findFirst().orElseThrow();
    }

    /** Every column of the key's row, as text. */
    static Map<String, String> row(String keyId) throws Exception {
        try (Connection c = GATEWAY.connectDatabase();
                PreparedStatement s = c.prepareStatement("SELECT * FROM api_key WHERE id = ?")) {
            s.setObject(1, UUID.fromString(keyId));
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the key's row");
                ResultSetMetaData md = rs.getMetaData();
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i).toLowerCase(Locale.ROOT), rs.getString(i));
                }
                return row;
            }
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keysAreStoredOnlyAsTheirHash() throws Exception {
        for (String dialect : List.of("everruns", "recoup")) {
            Map<String, Object> created = createKey(dialect, account, null);
            String secret = secret(created);
            assertTrue(secret.matches("^(evr|rcp)_[A-Za-z0-9_-]{43}$"), "256 random bits, base64url: " + secret);
            Map<String, String> row = row(id(created));
            assertEquals(sha256(secret), row.get("secret_hash").strip(), "the SHA-256 of the whole key");
            assertEquals(secret.substring(0, 12), row.get("display"), "only the display prefix is plain");
            String rest = secret.substring(12);
            List<String> leaking = new ArrayList<>();
            row.forEach((column, value) -> {
                if (value != null
                        && (value.contains(rest)
                                || value.contains(rest.substring(0, 16))
                                || value.toLowerCase(Locale.ROOT)
                                        .contains(HexFormat.of()
                                                .formatHex(secret.getBytes(StandardCharsets.UTF_8))
                                                .substring(24, 56))
                                || value.contains(Base64.getEncoder()
                                        .encodeToString(secret.getBytes(StandardCharsets.UTF_8))
                                        .substring(16, 40)))) {
                    leaking.add(column);
                }
            });
            assertEquals(List.of(), leaking, "columns holding the secret (plain, hex or base64)");
            Map<String, Object> view = listed(id(created));
            assertFalse(view.toString().contains(rest), "the admin listing never shows the secret");
            assertEquals(secret.substring(0, 12), view.get("display"));
        }
    }

    @Test
    void aKeyActsOnlyInItsTenantAccountAndDialect() {
        String recoupKey = secret(createKey("recoup", account, null));
        Response ok = recoupGet(recoupKey, mine);
        assertEquals(200, ok.statusCode(), ok.asString());
        assertEquals(account.toString(), ok.jsonPath().getString("session.userId"));
        assertRecoup(recoupGet(recoupKey, othersInTenant), 403, "the authenticated account does not own this session");
        assertRecoup(recoupGet(recoupKey, inOtherTenant), 404, "session not found");
        // A Recoup key is not an Everruns key, nor a Bearer token.
        assertEverruns(everrunsGet(recoupKey, mine), 401, "Authorization header must be 'Bearer <token>'");
        assertEverruns(
                everrunsGet("Bearer " + recoupKey, mine), 401, "API keys are not accepted here; use a Bearer JWT");

        String everrunsKey = secret(createKey("everruns", null, null));
        Response ev = everrunsGet(everrunsKey, mine);
        assertEquals(200, ev.statusCode(), ev.asString());
        assertEquals(mine, ev.jsonPath().getString("id"));
        assertEverruns(everrunsGet(everrunsKey, inOtherTenant), 404, "session '" + inOtherTenant + "' not found");
        assertRecoup(recoupGet(everrunsKey, mine), 401, "invalid API key");
        // The same key with one character changed is unknown.
        String altered = everrunsKey.substring(0, everrunsKey.length() - 1) + (everrunsKey.endsWith("A") ? "B" : "A");
        assertEverruns(everrunsGet(altered, mine), 401, "invalid API key");
    }

    @Test
    void revocationTakesEffectOnTheNextRequest() throws Exception {
        Map<String, Object> created = createKey("recoup", account, null);
        assertEquals(200, recoupGet(secret(created), mine).statusCode());
        Response del = CLIENTS.admin(tenant).revokeApiKey(tenant, id(created));
        assertEquals(204, del.statusCode(), del.asString());
        assertRecoup(recoupGet(secret(created), mine), 401, "API key has been revoked");
        assertNotNull(listed(id(created)).get("revoked_at"));
        assertNotNull(row(id(created)).get("revoked_at"));
        // Revoking twice, or another tenant's key, is a 404 in the admin envelope; the key stays revoked.
        Response elsewhere = CLIENTS.admin(otherTenant).revokeApiKey(otherTenant, id(created));
        assertEquals(404, elsewhere.statusCode(), elsewhere.asString());
    }

    @Test
    void anExpiryIsHonoured() throws Exception {
        // whole milliseconds: the API shows three fraction digits, and a clock's microseconds would round on the way
        Instant expires = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> created = createKey("everruns", null, expires);
        assertEquals(
                expires.toEpochMilli(),
                Instant.parse((String) listed(id(created)).get("expires_at")).toEpochMilli());
        Response before = everrunsGet(secret(created), mine);
        assertEquals(200, before.statusCode(), before.asString());
        long wait = expires.toEpochMilli() - System.currentTimeMillis() + 50;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        assertEverruns(everrunsGet(secret(created), mine), 401, "API key has expired");
        // An expiry in the past is refused at creation.
        Map<String, Object> body = Map.of(
                "dialect",
                "recoup",
                "name",
                "late",
                "subject_id",
                "svc",
                "expires_at",
                Instant.now().minusSeconds(5).toString());
        Response late = CLIENTS.admin(tenant).createApiKey(tenant, body);
        assertEquals(422, late.statusCode(), late.asString());
    }

    @Test
    void lastUseIsRecorded() throws Exception {
        Map<String, Object> created = createKey("recoup", account, null);
        assertNull(listed(id(created)).get("last_used_at"));
        assertNull(row(id(created)).get("last_used_at"));
        Instant before = Instant.now().minusMillis(5);
        assertEquals(200, recoupGet(secret(created), mine).statusCode());
        Instant after = Instant.now().plusMillis(5);
        Object lastUsed = listed(id(created)).get("last_used_at");
        assertNotNull(lastUsed, "last_used_at after a use");
        Instant used = Instant.parse((String) lastUsed);
        assertTrue(
                !used.isBefore(before.truncatedTo(ChronoUnit.MILLIS)) && !used.isAfter(after),
                used + " not within " + before + " .. " + after);
        assertNotNull(row(id(created)).get("last_used_at"));
        // A refused use (a revoked key) records nothing.
        CLIENTS.admin(tenant).revokeApiKey(tenant, id(created)).then().statusCode(204);
        Thread.sleep(1100);
        assertEquals(401, recoupGet(secret(created), mine).statusCode());
        assertEquals(used, Instant.parse((String) listed(id(created)).get("last_used_at")));
    }
}
