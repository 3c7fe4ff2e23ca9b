package io.sessiongateway.server.it;

import static io.sessiongateway.server.it.JwksUrlRotationIT.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.TestKeys;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key rotation by rewriting the JWKS file on disk (atomically, as an operator should) while the gateway runs: the
 * file's change is seen on the next request, so a new key works and a removed key stops working at once, without a
 * restart and without waiting for {@code jwks-cache-ttl} (left at its 5 min default here).
 */
class JwksFileRotationIT {
    static final ECKey OLD = TestKeys.ec("ec-old");
    static final OctetKeyPair NEW = TestKeys.ed25519("ed-new");
    static final Path DIR;
    static final Path FILE;

    static {
        try {
            DIR = Files.createTempDirectory("jwks-file-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FILE = DIR.resolve("jwks.json");
        TestKeys.writeJwks(FILE, OLD.toPublicJWK());
    }

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_JWT_JWKS_FILE", FILE.toString(),
            "GATEWAY_JWT_ALGORITHMS", "ES256,EdDSA",
            "GATEWAY_JWT_JWKS_REFRESH_INTERVAL", "4m")); // no refetch for unknown kids: only the file change counts

    static final Clients CLIENTS = GATEWAY.clients();

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(FILE);
        Files.deleteIfExists(DIR);
    }

    static Response probe(JWK key, String tenant) {
        String token = TestKeys.sign(
                key,
                TestKeys.claims(GatewayHarness.ISSUER, null, tenant, "ops")
                        .claim("roles", List.of("admin"))
                        .build());
        return CLIENTS.admin().bearer(token).listAgents(tenant);
    }

    static void assertRefused(Response r) {
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(
                "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"no signing key accepts this token\","
                        + "\"reference\":null}}",
                r.asString());
    }

    @Test
    void rewritingTheFileRotatesKeysOnTheNextRequest() {
        String tenant = GatewayHarness.uniqueTenant();
        assertAccepted(probe(OLD, tenant));
        assertRefused(probe(NEW, tenant));

        TestKeys.writeJwks(FILE, OLD.toPublicJWK(), NEW.toPublicJWK());
        assertAccepted(probe(NEW, tenant));
        assertAccepted(probe(OLD, tenant));

        TestKeys.writeJwks(FILE, NEW.toPublicJWK());
        assertRefused(probe(OLD, tenant));
        assertAccepted(probe(NEW, tenant));

        // A broken rewrite keeps the last good keys rather than locking everyone out.
        try {
            Files.writeString(FILE, "{ not a jwks");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertAccepted(probe(NEW, tenant));
        assertRefused(probe(OLD, tenant));
    }
}
