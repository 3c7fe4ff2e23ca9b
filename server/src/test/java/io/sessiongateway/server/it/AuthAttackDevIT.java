package io.sessiongateway.server.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.LogCapture;
import io.sessiongateway.server.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack suite against the development configuration: HS256 only, with the shared secret. Beyond the common
 * attacks: properly signed tokens of algorithms off the allow-list (RS256, ES256, EdDSA, HS384), an HS256 token
 * keyed with some other secret, and HS256 keyed with an RSA public key (DER, PEM, JWK).
 */
class AuthAttackDevIT extends AuthAttackSuite {
    static {
        LogCapture.start("json", "DEBUG"); // before the server starts: its start-up lines are captured too
    }

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final byte[] SECRET = GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8);
    static final RSAKey RSA = TestKeys.rsa("dev-rsa");

    @Override
    GatewayHarness gateway() {
        return GATEWAY;
    }

    @Override
    String honest(JWTClaimsSet claims) {
        return TestKeys.hmac(SECRET, JWSAlgorithm.HS256, null, claims);
    }

    @Override
    String audience() {
        return null;
    }

    @Override
    List<String> configurationSecrets() {
        List<String> s = new ArrayList<>(TestKeys.privateParts(RSA));
        s.add(GatewayHarness.SECRET);
        return s;
    }

    @Override
    List<Attack> configurationAttacks() {
        List<Attack> a = new ArrayList<>();
        JWTClaimsSet c = claims(tenant).build();
        a.add(jwt(
                "RS256 properly signed, not on the allow-list", TestKeys.sign(RSA, c), "token algorithm not accepted"));
        a.add(jwt(
                "ES256 properly signed, not on the allow-list",
                TestKeys.sign(TestKeys.ec("dev-ec"), c),
                "token algorithm not accepted"));
        a.add(jwt(
                "EdDSA properly signed, not on the allow-list",
                TestKeys.sign(TestKeys.ed25519("dev-ed"), c),
                "token algorithm not accepted"));
        byte[] other = new byte[48];
        new SecureRandom().nextBytes(other);
        a.add(jwt(
                "HS384, not on the allow-list",
                TestKeys.hmac(other, JWSAlgorithm.HS384, null, c),
                "token algorithm not accepted"));
        a.add(jwt(
                "HS256 with another secret",
                TestKeys.hmac(other, JWSAlgorithm.HS256, null, c),
                "token signature is not valid"));
        try {
            byte[] der = RSA.toRSAPublicKey().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
            a.add(jwt(
                    "HS256 keyed with the RSA public key (DER)",
                    TestKeys.hmac(der, JWSAlgorithm.HS256, null, c),
                    "token signature is not valid"));
            a.add(jwt(
                    "HS256 keyed with the RSA public key (PEM)",
                    TestKeys.hmac(pem.getBytes(StandardCharsets.US_ASCII), JWSAlgorithm.HS256, null, c),
                    "token signature is not valid"));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        a.add(jwt(
                "HS256 keyed with the RSA public JWK",
                TestKeys.hs256WithPublicJwk(RSA, c),
                "token signature is not valid"));
        return a;
    }
}
