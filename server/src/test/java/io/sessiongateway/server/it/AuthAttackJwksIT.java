package io.sessiongateway.server.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.JwksServer;
import io.sessiongateway.server.testing.LogCapture;
import io.sessiongateway.server.testing.TestKeys;
import io.sessiongateway.server.testing.clients.Clients;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack suite against a production configuration: keys from a JWKS served over real HTTP (RSA, EC P-256 and
 * Ed25519 keys), algorithms RS256, ES256 and EdDSA only, an audience required. Beyond the common attacks: the
 * classic key confusion (HS256 keyed with the RSA public key as DER, PEM or JWK), unknown and forged kids, a key
 * embedded in the header, properly signed tokens of algorithms off the allow-list (RS384, ES512, HS512), and a
 * wrong audience.
 */
class AuthAttackJwksIT extends AuthAttackSuite {
    static {
        LogCapture.start("json", "DEBUG");
    }

    static final String AUDIENCE = "session-gateway-api";
    static final RSAKey RSA = TestKeys.rsa("rsa-1");
    static final ECKey EC = TestKeys.ec("ec-1");
    static final OctetKeyPair ED = TestKeys.ed25519("ed-1");
    static final JwksServer IDP = new JwksServer(RSA, EC, ED);

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_JWT_JWKS_URL",
            IDP.url(),
            "GATEWAY_JWT_ALGORITHMS",
            "RS256,ES256,EdDSA",
            "GATEWAY_JWT_AUDIENCE",
            AUDIENCE));

    static final Clients CLIENTS = GATEWAY.clients();

    @AfterAll
    static void stopIdp() {
        IDP.close();
    }

    @Override
    GatewayHarness gateway() {
        return GATEWAY;
    }

    @Override
    String honest(JWTClaimsSet claims) {
        return TestKeys.sign(RSA, claims);
    }

    @Override
    String audience() {
        return AUDIENCE;
    }

    @Override
    List<String> configurationSecrets() {
        List<String> s = new ArrayList<>();
        s.addAll(TestKeys.privateParts(RSA));
        s.addAll(TestKeys.privateParts(EC));
        s.addAll(TestKeys.privateParts(ED));
        s.add(GatewayHarness.SECRET);
        return s;
    }

    /** ES256 and EdDSA tokens of the JWKS are accepted too: every key kind the attacks below imitate works. */
    @Test
    void everyKeyKindOfTheJwksIsAccepted() {
        for (var key : List.of(EC, ED)) {
            String token = TestKeys.sign(key, claims(tenant).build());
            secrets.addAll(TestKeys.secretParts(token));
            CLIENTS.trueFoundry().bearer(token).get(tenant, sessionId).then().statusCode(200);
        }
    }

    @Override
    List<Attack> configurationAttacks() {
        List<Attack> a = new ArrayList<>();
        JWTClaimsSet c = claims(tenant).build();
        try {
            byte[] der = RSA.toRSAPublicKey().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
            a.add(jwt(
                    "HS256 keyed with the RSA public key (DER)",
                    TestKeys.hs256WithPublicKey(RSA, c),
                    "token algorithm not accepted"));
            a.add(jwt(
                    "HS256 keyed with the RSA public key (PEM)",
                    TestKeys.hmac(pem.getBytes(StandardCharsets.US_ASCII), JWSAlgorithm.HS256, "rsa-1", c),
                    "token algorithm not accepted"));
            a.add(jwt(
                    "HS256 keyed with the RSA public key (JWK)",
                    TestKeys.hs256WithPublicJwk(RSA, c),
                    "token algorithm not accepted"));
            ECKey p521 = new ECKeyGenerator(Curve.P_521).keyID("ec-1").generate();
            a.add(jwt(
                    "ES512 properly signed, not on the allow-list",
                    TestKeys.sign(p521, JWSAlgorithm.ES512, "ec-1", c),
                    "token algorithm not accepted"));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        a.add(jwt(
                "RS384 with the registered key, not on the allow-list",
                TestKeys.sign(RSA, JWSAlgorithm.RS384, "rsa-1", c),
                "token algorithm not accepted"));
        byte[] hs = new byte[64];
        new SecureRandom().nextBytes(hs);
        a.add(jwt(
                "HS512 properly signed, not on the allow-list",
                TestKeys.hmac(hs, JWSAlgorithm.HS512, null, c),
                "token algorithm not accepted"));
        a.add(jwt(
                "HS256 with the gateway's dev secret, not on the allow-list",
                TestKeys.hmac(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8), JWSAlgorithm.HS256, null, c),
                "token algorithm not accepted"));
        a.add(jwt("unknown kid", TestKeys.sign(TestKeys.rsa("rsa-unknown"), c), "no signing key accepts this token"));
        a.add(jwt(
                "known kid, attacker's key", TestKeys.sign(TestKeys.rsa("rsa-1"), c), "token signature is not valid"));
        a.add(jwt(
                "EC key's kid on an RS256 token",
                TestKeys.sign(RSA, JWSAlgorithm.RS256, "ec-1", c),
                "no signing key accepts this token"));
        a.add(jwt(
                "attacker's key embedded in the header",
                TestKeys.embeddedJwk(TestKeys.rsa("attacker"), c),
                "no signing key accepts this token"));
        a.add(jwt(
                "wrong audience",
                honest(claims(tenant).audience("someone-else").build()),
                "token audience not accepted"));
        a.add(jwt(
                "no audience", honest(claims(tenant).audience((String) null).build()), "token audience not accepted"));
        return a;
    }
}
