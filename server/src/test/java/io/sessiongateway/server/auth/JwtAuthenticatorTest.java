package io.sessiongateway.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.server.config.JwtSettings;
import io.sessiongateway.server.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Token verification: what is accepted under each configuration, and every forgery refused with its reason. */
class JwtAuthenticatorTest {
    static final byte[] SECRET = "unit-test-secret-0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
    static final String ISSUER = "https://idp.example.com/";
    static final String AUDIENCE = "session-gateway";
    static final Duration SKEW = Duration.ofSeconds(60);

    static RSAKey rsa;
    static ECKey ec;
    static OctetKeyPair ed;
    static RSAKey stranger;

    @BeforeAll
    static void keys() {
        rsa = TestKeys.rsa("rsa-1");
        ec = TestKeys.ec("ec-1");
        ed = TestKeys.ed25519("ed-1");
        stranger = TestKeys.rsa("rsa-stranger");
    }

    static JWTClaimsSet.Builder claims() {
        return TestKeys.claims(ISSUER, AUDIENCE, "acme", "alice");
    }

    static JwtSettings jwksFile(Path file, Set<JWSAlgorithm> algorithms, Set<String> audience) {
        return new JwtSettings(
                algorithms,
                null,
                file,
                Duration.ofMinutes(5),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                audience,
                ClaimMapping.defaults(),
                false);
    }

    static JwtAuthenticator production(Path dir) {
        Path file = dir.resolve("jwks.json");
        TestKeys.writeJwks(file, rsa, ec, ed);
        return new JwtAuthenticator(
                SECRET,
                ISSUER,
                SKEW,
                jwksFile(file, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), Set.of(AUDIENCE)),
                Clock.systemUTC());
    }

    static String refusal(JwtAuthenticator auth, String token) {
        return assertThrows(JwtAuthenticator.AuthenticationException.class, () -> auth.authenticate(token))
                .getMessage();
    }

    @Nested
    class WithJwksAndAudience {
        @TempDir
        Path dir;

        @Test
        void acceptsRs256Es256AndEdDsaFromTheJwks() throws Exception {
            JwtAuthenticator auth = production(dir);
            JWTClaimsSet c = claims().claim("teams", List.of("t1", "t2"))
                    .claim("roles", List.of("admin"))
                    .claim("account", "0b0e3f7c-8a43-4c8e-9d4f-5c1f2f2a9b11")
                    .claim("sub_slug", "Alice")
                    .build();
            Principal expected = new Principal(
                    new SubjectRef("user", "alice", "Alice"),
                    "acme",
                    Set.of("t1", "t2"),
                    UUID.fromString("0b0e3f7c-8a43-4c8e-9d4f-5c1f2f2a9b11"),
                    true);
            assertEquals(expected, auth.authenticate(TestKeys.sign(rsa, c)));
            assertEquals(expected, auth.authenticate(TestKeys.sign(ec, c)));
            assertEquals(expected, auth.authenticate(TestKeys.sign(ed, c)));
        }

        @Test
        void operatorTokensFromTheJwksOnlyWhenAllowed() throws Exception {
            Path file = dir.resolve("jwks.json");
            TestKeys.writeJwks(file, rsa);
            JwtSettings off = jwksFile(file, Set.of(JWSAlgorithm.RS256), Set.of(AUDIENCE));
            JwtSettings on = new JwtSettings(
                    off.algorithms(),
                    null,
                    file,
                    off.jwksCacheTtl(),
                    off.jwksRefreshInterval(),
                    off.jwksTimeout(),
                    off.audience(),
                    off.claims(),
                    true);
            String operator = TestKeys.sign(
                    rsa,
                    TestKeys.claims(ISSUER, AUDIENCE, "*", "ops")
                            .claim("roles", List.of("admin"))
                            .build());

            assertEquals(
                    "operator tokens (tenant '*') are accepted from the identity provider only when "
                            + "gateway.auth.jwks-operator-tokens is on",
                    refusal(new JwtAuthenticator(SECRET, ISSUER, SKEW, off, Clock.systemUTC()), operator));
            Principal p = new JwtAuthenticator(SECRET, ISSUER, SKEW, on, Clock.systemUTC()).authenticate(operator);
            assertEquals("*", p.tenant());
            assertTrue(p.admin());
            // Tenant tokens are not affected.
            assertEquals(
                    "acme",
                    new JwtAuthenticator(SECRET, ISSUER, SKEW, off, Clock.systemUTC())
                            .authenticate(TestKeys.sign(rsa, claims().build()))
                            .tenant());
        }

        @Test
        void aTokenWithoutKidIsMatchedByAlgorithmAndKeyType() throws Exception {
            JwtAuthenticator auth = production(dir);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(ec, JWSAlgorithm.ES256, null, claims().build()))
                            .subject()
                            .id());
        }

        @Test
        void expiryAndNotBeforeHonourTheClockSkew() throws Exception {
            JwtAuthenticator auth = production(dir);
            Instant now = Instant.now();
            String justExpired = TestKeys.sign(
                    rsa,
                    claims().expirationTime(Date.from(now.minusSeconds(30)))
                            .notBeforeTime(Date.from(now.minusSeconds(600)))
                            .build());
            String almostValid = TestKeys.sign(
                    rsa, claims().notBeforeTime(Date.from(now.plusSeconds(30))).build());
            assertEquals("alice", auth.authenticate(justExpired).subject().id());
            assertEquals("alice", auth.authenticate(almostValid).subject().id());
        }

        @Test
        void anAudienceListNeedsOneMatch() throws Exception {
            JwtAuthenticator auth = production(dir);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(
                                    rsa,
                                    claims().audience(List.of("other-api", AUDIENCE))
                                            .build()))
                            .subject()
                            .id());
        }

        static Stream<Arguments> forgeries() {
            Instant now = Instant.now();
            JWTClaimsSet good = claims().build();
            String signed = TestKeys.sign(rsa, good);
            return Stream.of(
                    Arguments.of("alg none", TestKeys.none(good), "unsigned tokens (alg none) are not accepted"),
                    Arguments.of(
                            "alg None with a signature",
                            TestKeys.noneWithSignature(signed),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "HS256 keyed with the RSA public key",
                            TestKeys.hs256WithPublicKey(rsa, good),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "HS256 keyed with the public JWK",
                            TestKeys.hs256WithPublicJwk(rsa, good),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "HS256 with the dev secret, not on the list",
                            TestKeys.hmac(SECRET, JWSAlgorithm.HS256, null, good),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "RS384 with a listed key",
                            TestKeys.sign(rsa, JWSAlgorithm.RS384, "rsa-1", good),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "PS256 with a listed key",
                            TestKeys.sign(rsa, JWSAlgorithm.PS256, "rsa-1", good),
                            "token algorithm not accepted"),
                    Arguments.of(
                            "expired",
                            TestKeys.sign(
                                    rsa,
                                    claims().expirationTime(Date.from(now.minusSeconds(3600)))
                                            .notBeforeTime(Date.from(now.minusSeconds(7200)))
                                            .build()),
                            "token has expired"),
                    Arguments.of(
                            "not yet valid",
                            TestKeys.sign(
                                    rsa,
                                    claims().notBeforeTime(Date.from(now.plusSeconds(3600)))
                                            .expirationTime(Date.from(now.plusSeconds(7200)))
                                            .build()),
                            "token is not yet valid"),
                    Arguments.of(
                            "no expiry",
                            TestKeys.sign(rsa, claims().expirationTime(null).build()),
                            "token has no expiry (exp)"),
                    Arguments.of(
                            "wrong issuer",
                            TestKeys.sign(
                                    rsa,
                                    claims().issuer("https://evil.example/").build()),
                            "token issuer not accepted"),
                    Arguments.of(
                            "no issuer",
                            TestKeys.sign(rsa, claims().issuer(null).build()),
                            "token issuer not accepted"),
                    Arguments.of(
                            "wrong audience",
                            TestKeys.sign(rsa, claims().audience("other-api").build()),
                            "token audience not accepted"),
                    Arguments.of(
                            "no audience",
                            TestKeys.sign(rsa, claims().audience((String) null).build()),
                            "token audience not accepted"),
                    Arguments.of("unknown kid", TestKeys.sign(stranger, good), "no signing key accepts this token"),
                    Arguments.of(
                            "a listed kid on another key",
                            TestKeys.sign(stranger, JWSAlgorithm.RS256, "rsa-1", good),
                            "token signature is not valid"),
                    Arguments.of(
                            "key embedded in the header",
                            TestKeys.embeddedJwk(stranger, good),
                            "no signing key accepts this token"),
                    Arguments.of(
                            "tampered payload",
                            TestKeys.tamper(signed, claims().subject("mallory").build()),
                            "token signature is not valid"),
                    Arguments.of(
                            "truncated signature",
                            signed.substring(0, signed.length() - 8),
                            "token signature is not valid"),
                    Arguments.of("two parts", signed.substring(0, signed.lastIndexOf('.')), "malformed bearer token"),
                    Arguments.of("garbage", "not-a-token", "malformed bearer token"),
                    Arguments.of("garbage parts", "a.b.c", "malformed bearer token"),
                    Arguments.of("oversized", signed + "x".repeat(9000), "malformed bearer token"),
                    Arguments.of(
                            "unknown typ",
                            TestKeys.sign(rsa, claims().build())
                                    .replaceFirst(
                                            "^[^.]+",
                                            TestKeys.b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"JOSE\"}")),
                            "token type not accepted"),
                    Arguments.of("encrypted", encrypted(good), "encrypted tokens are not accepted"),
                    Arguments.of(
                            "no subject",
                            TestKeys.sign(rsa, claims().subject(null).build()),
                            "token claim 'sub' is missing"),
                    Arguments.of(
                            "no tenant",
                            TestKeys.sign(rsa, claims().claim("tenant", null).build()),
                            "token claim 'tenant' is missing"),
                    Arguments.of(
                            "account not a UUID",
                            TestKeys.sign(rsa, claims().claim("account", "nope").build()),
                            "token claim 'account' is not a UUID"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("forgeries")
        void forgeriesAreRefusedWithASafeReason(String name, String token, String reason) {
            String message = refusal(production(dir), token);
            assertEquals(reason, message, name);
            for (String part : TestKeys.secretParts(token)) {
                assertFalse(message.contains(part), "the reason quotes the token");
            }
        }
    }

    static String encrypted(JWTClaimsSet claims) {
        try {
            EncryptedJWT jwt =
                    new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), claims);
            jwt.encrypt(new RSAEncrypter(rsa));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class WithTheDefaults {
        final JwtAuthenticator auth = new JwtAuthenticator(SECRET, "session-gateway", SKEW);

        JWTClaimsSet.Builder dev() {
            return TestKeys.claims("session-gateway", null, "acme", "alice");
        }

        @Test
        void acceptsTheDevSecretWhateverTheKid() throws Exception {
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.hmac(SECRET, JWSAlgorithm.HS256, null, dev().build()))
                            .subject()
                            .id());
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.hmac(SECRET, JWSAlgorithm.HS256, "any", dev().build()))
                            .subject()
                            .id());
            Principal minted = auth.authenticate(new TokenMinter(SECRET, "session-gateway")
                    .mint(
                            new TokenMinter.Grant(
                                    "acme",
                                    "bob",
                                    "serviceaccount",
                                    "Bob",
                                    List.of("t"),
                                    null,
                                    true,
                                    Duration.ofMinutes(5)),
                            Instant.now()));
            assertEquals(
                    new Principal(new SubjectRef("serviceaccount", "bob", "Bob"), "acme", Set.of("t"), null, true),
                    minted);
        }

        @Test
        void refusesEveryOtherAlgorithmAndSecret() {
            assertEquals("token algorithm not accepted", refusal(auth, TestKeys.sign(rsa, dev().build())));
            assertEquals(
                    "token algorithm not accepted",
                    refusal(
                            auth,
                            TestKeys.hmac(
                                    ("x".repeat(48)).getBytes(StandardCharsets.UTF_8),
                                    JWSAlgorithm.HS384,
                                    null,
                                    dev().build())));
            assertEquals(
                    "token signature is not valid", refusal(auth, TestKeys.hs256WithPublicKey(rsa, dev().build())));
            assertEquals(
                    "token has no expiry (exp)",
                    refusal(
                            auth,
                            TestKeys.hmac(
                                    SECRET,
                                    JWSAlgorithm.HS256,
                                    null,
                                    dev().expirationTime(null).build())));
            assertEquals("unsigned tokens (alg none) are not accepted", refusal(auth, TestKeys.none(dev().build())));
        }

        @Test
        void audienceIsNotCheckedWhenNoneIsConfigured() throws Exception {
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.hmac(
                                    SECRET,
                                    JWSAlgorithm.HS256,
                                    null,
                                    dev().audience("anything").build()))
                            .subject()
                            .id());
        }
    }

    @Nested
    class WithJwksAndHs256Listed {
        @TempDir
        Path dir;

        @Test
        void bothKindsVerifyEachWithItsOwnKey() throws Exception {
            Path file = dir.resolve("jwks.json");
            TestKeys.writeJwks(file, rsa);
            JwtAuthenticator auth = new JwtAuthenticator(
                    SECRET,
                    ISSUER,
                    SKEW,
                    jwksFile(file, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.HS256), Set.of()),
                    Clock.systemUTC());
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.hmac(SECRET, JWSAlgorithm.HS256, null, claims().build()))
                            .subject()
                            .id());
            assertEquals(
                    "token signature is not valid", refusal(auth, TestKeys.hs256WithPublicKey(rsa, claims().build())));
            assertEquals(
                    "token signature is not valid", refusal(auth, TestKeys.hs256WithPublicJwk(rsa, claims().build())));
        }

        @Test
        void theFullySpecifiedEd25519NameWorksWhenListed() throws Exception {
            Path file = dir.resolve("jwks.json");
            TestKeys.writeJwks(file, ed);
            JwtAuthenticator auth = new JwtAuthenticator(
                    SECRET, ISSUER, SKEW, jwksFile(file, Set.of(JWSAlgorithm.Ed25519), Set.of()), Clock.systemUTC());
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(ed, JWSAlgorithm.Ed25519, "ed-1", claims().build()))
                            .subject()
                            .id());
            assertEquals("token algorithm not accepted", refusal(auth, TestKeys.sign(ed, claims().build())));
        }

        @Test
        void anHmacAlgorithmNeedsASecretOfItsSize() {
            Path file = dir.resolve("jwks.json");
            TestKeys.writeJwks(file, rsa);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new JwtAuthenticator(
                            SECRET,
                            ISSUER,
                            SKEW,
                            jwksFile(file, Set.of(JWSAlgorithm.HS512), Set.of()),
                            Clock.systemUTC()));
            assertEquals("auth.algorithms: HS512 needs a secret of at least 64 bytes", e.getMessage());
        }
    }

    @Nested
    class JwksFileRotation {
        @TempDir
        Path dir;

        JwtAuthenticator auth(Path file) {
            return new JwtAuthenticator(
                    SECRET,
                    ISSUER,
                    SKEW,
                    jwksFile(file, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), Set.of()),
                    Clock.systemUTC());
        }

        @Test
        void aNewKeyIsPickedUpAndTheRetiredOneStopsWorking() throws Exception {
            Path file = dir.resolve("jwks.json");
            RSAKey next = TestKeys.rsa("rsa-2");
            TestKeys.writeJwks(file, rsa);
            JwtAuthenticator auth = auth(file);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
            TestKeys.writeJwks(file, rsa, next);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(next, claims().build()))
                            .subject()
                            .id());
            TestKeys.writeJwks(file, next);
            assertEquals("no signing key accepts this token", refusal(auth, TestKeys.sign(rsa, claims().build())));
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(next, claims().build()))
                            .subject()
                            .id());
        }

        @Test
        void aKeyRemovedInPlaceStopsWorkingAtOnce() throws Exception {
            Path file = dir.resolve("jwks.json");
            Files.writeString(file, TestKeys.jwks(rsa, ec));
            JwtAuthenticator auth = auth(file);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(ec, claims().build()))
                            .subject()
                            .id());
            Files.writeString(file, TestKeys.jwks(rsa));
            assertEquals("no signing key accepts this token", refusal(auth, TestKeys.sign(ec, claims().build())));
        }

        @Test
        void aBrokenRewriteKeepsThePreviousKeys() throws Exception {
            Path file = dir.resolve("jwks.json");
            TestKeys.writeJwks(file, rsa);
            JwtAuthenticator auth = auth(file);
            Files.writeString(file, "{\"keys\": [ half written");
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
            Files.writeString(file, "{\"keys\":[]}");
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
            Files.delete(file);
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
        }

        @Test
        void privateKeysInTheFileAreReducedToPublicOnesAndSecretKeysIgnored() throws Exception {
            Path file = dir.resolve("jwks.json");
            // an operator's mistake: the private JWK and an HMAC key in the file
            Files.writeString(
                    file,
                    "{\"keys\":[" + rsa.toJSONString() + ",{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\""
                            + Base64URL.encode(SECRET) + "\"}]}");
            JwtAuthenticator auth = new JwtAuthenticator(
                    SECRET, ISSUER, SKEW, jwksFile(file, Set.of(JWSAlgorithm.RS256), Set.of()), Clock.systemUTC());
            assertEquals(
                    "alice",
                    auth.authenticate(TestKeys.sign(rsa, claims().build()))
                            .subject()
                            .id());
            assertEquals(
                    "token algorithm not accepted",
                    refusal(auth, TestKeys.hmac(SECRET, JWSAlgorithm.HS256, "h", claims().build())));
        }

        @Test
        void aMissingOrEmptyFileIsAStartupError() throws Exception {
            Path file = dir.resolve("missing.json");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> auth(file));
            assertEquals("auth.jwks-file " + file + " cannot be used: no such file", e.getMessage());
            Files.writeString(file, "{\"keys\":[]}");
            assertEquals(
                    "auth.jwks-file " + file + " cannot be used: not a JWKS (at most 1 MiB) with at least one"
                            + " public key",
                    assertThrows(IllegalArgumentException.class, () -> auth(file))
                            .getMessage());
        }
    }

    @Test
    void typAtJwtIsAccepted(@TempDir Path dir) throws Exception {
        JwtAuthenticator auth = production(dir);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("rsa-1")
                        .build(),
                claims().build());
        jwt.sign(new RSASSASigner(rsa));
        assertEquals("alice", auth.authenticate(jwt.serialize()).subject().id());
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Nested
    class VerifiedHmacTokensAreRemembered {
        final MovableClock clock = new MovableClock();
        final JwtAuthenticator auth =
                new JwtAuthenticator(SECRET, "session-gateway", SKEW, JwtSettings.defaults(), clock);

        JWTClaimsSet.Builder dev() {
            return TestKeys.claims("session-gateway", null, "acme", "alice");
        }

        @Test
        void aRememberedTokenStillExpiresAndStillWaitsForItsNotBefore() throws Exception {
            Instant start = clock.now;
            String token = TestKeys.hmac(
                    SECRET,
                    JWSAlgorithm.HS256,
                    null,
                    dev().expirationTime(Date.from(start.plusSeconds(300)))
                            .notBeforeTime(Date.from(start.plusSeconds(100)))
                            .build());
            assertEquals("token is not yet valid", refusal(auth, token));
            clock.now = start.plusSeconds(100);
            Principal first = auth.authenticate(token);
            assertEquals(first, auth.authenticate(token));
            clock.now = start.plusSeconds(300 + SKEW.toSeconds() - 1);
            assertEquals("alice", auth.authenticate(token).subject().id());
            clock.now = start.plusSeconds(300 + SKEW.toSeconds() + 1);
            assertEquals("token has expired", refusal(auth, token));
            assertEquals("token has expired", refusal(auth, token));
            clock.now = start.minusSeconds(SKEW.toSeconds() + 1);
            assertEquals("token is not yet valid", refusal(auth, token));
        }

        @Test
        void aTamperedCopyOfARememberedTokenIsStillRefused() throws Exception {
            String token = TestKeys.hmac(SECRET, JWSAlgorithm.HS256, null, dev().build());
            assertEquals("alice", auth.authenticate(token).subject().id());
            int at = token.length() - 10; // inside the signature, where every bit counts
            String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
            assertEquals("token signature is not valid", refusal(auth, tampered));
            assertEquals("alice", auth.authenticate(token).subject().id());
        }

        @Test
        void manyDistinctTokensKeepWorkingPastTheBound() throws Exception {
            for (int i = 0; i < JwtAuthenticator.VERIFIED_CACHE_SIZE + 10; i++) {
                String token = TestKeys.hmac(
                        SECRET,
                        JWSAlgorithm.HS256,
                        null,
                        TestKeys.claims("session-gateway", null, "acme", "user-" + i)
                                .build());
                assertEquals("user-" + i, auth.authenticate(token).subject().id());
                assertEquals("user-" + i, auth.authenticate(token).subject().id());
            }
        }
    }
}
