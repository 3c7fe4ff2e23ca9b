package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.JwksServer;
import io.sessiongateway.server.testing.TestKeys;
import io.sessiongateway.server.testing.clients.Clients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key rotation at the identity provider, over real HTTP, while the gateway runs: a token signed with a newly
 * published key is accepted on its first use (its unknown kid forces a refetch), and a retired key stops working
 * once the cached key set expires ({@code jwks-cache-ttl}, 2 s here; 5 min by default), all without a restart.
 */
class JwksUrlRotationIT {
    static final long TTL_MILLIS = 2000;
    static final RSAKey OLD = TestKeys.rsa("2026-old");
    static final RSAKey NEW = TestKeys.rsa("2026-new");
    static final JwksServer IDP = new JwksServer(OLD);

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_JWT_JWKS_URL",
            IDP.url(),
            "GATEWAY_JWT_ALGORITHMS",
            "RS256",
            "GATEWAY_JWT_JWKS_CACHE_TTL",
            TTL_MILLIS + "ms",
            "GATEWAY_JWT_JWKS_REFRESH_INTERVAL",
            "500ms"));

    static final Clients CLIENTS = GATEWAY.clients();

    @AfterAll
    static void stopIdp() {
        IDP.close();
    }

    /** An admin token of the tenant signed with the key; the admin API's agent list is the probe. */
    static Response probe(RSAKey key, String tenant) {
        String token = TestKeys.sign(
                key,
                TestKeys.claims(GatewayHarness.ISSUER, null, tenant, "ops")
                        .claim("roles", List.of("admin"))
                        .build());
        return CLIENTS.admin().bearer(token).listAgents(tenant);
    }

    static void assertAccepted(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(Map.of("data", List.of()), r.jsonPath().getMap(""));
    }

    static void assertRefused(Response r) {
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals(
                "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"no signing key accepts this token\","
                        + "\"reference\":null}}",
                r.asString());
    }

    @Test
    void aNewKeyWorksAtOnceAndARetiredKeyStopsAfterTheCacheTtl() throws InterruptedException {
        String tenant = GatewayHarness.uniqueTenant();
        assertAccepted(probe(OLD, tenant));
        assertRefused(probe(NEW, tenant));

        // The provider publishes the next key beside the current one.
        IDP.publish(OLD, NEW);
        Thread.sleep(600); // past the refetch rate limit left by the refused NEW token above
        int fetches = IDP.fetches();
        assertAccepted(probe(NEW, tenant));
        assertTrue(IDP.fetches() > fetches, "the unknown kid made the gateway fetch the JWKS again");
        assertAccepted(probe(OLD, tenant));

        // Then retires the old one: it works until the cached set expires, and not after.
        IDP.publish(NEW);
        long retired = System.nanoTime();
        Response r;
        do {
            Thread.sleep(100);
            r = probe(OLD, tenant);
        } while (r.statusCode() == 200 && System.nanoTime() - retired < (TTL_MILLIS + 3000) * 1_000_000L);
        assertRefused(r);
        long took = (System.nanoTime() - retired) / 1_000_000L;
        assertTrue(took <= TTL_MILLIS + 3000, "the retired key stopped after " + took + " ms");
        assertAccepted(probe(NEW, tenant));
    }
}
