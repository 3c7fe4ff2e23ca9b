package io.sessiongateway.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Real key pairs (RSA 2048, EC P-256, Ed25519) generated with nimbus, JWKS documents of their public halves, and
 * tokens signed with them: the honest ones and the forged ones an attacker would try.
 */
public final class TestKeys {
    private TestKeys() {}

    public static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OctetKeyPair ed25519(String kid) {
        try {
            return new OctetKeyPairGenerator(Curve.Ed25519)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS document of the keys' public halves. */
    public static String jwks(JWK... keys) {
        return new JWKSet(Arrays.asList(keys)).toString(true);
    }

    /** Writes a JWKS atomically (write beside, then rename), the way an operator should rotate a key file. */
    public static void writeJwks(Path file, JWK... keys) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "jwks", ".tmp");
            Files.writeString(tmp, jwks(keys), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Claims with every part the four dialects read, valid for an hour from now. */
    public static JWTClaimsSet.Builder claims(String issuer, String audience, String tenant, String subject) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant", tenant)
                .claim("sub_type", "user");
        if (audience != null) {
            b.audience(audience);
        }
        return b;
    }

    /** The algorithm a key signs with by default. */
    public static JWSAlgorithm algorithmOf(JWK key) {
        if (key instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey) {
            return JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.EdDSA;
    }

    public static String sign(JWK key, JWTClaimsSet claims) {
        return sign(key, algorithmOf(key), key.getKeyID(), claims);
    }

    /** Signs with the key's private half under the given algorithm and kid (null for none). */
    public static String sign(JWK key, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey r
                    ? new RSASSASigner(r)
                    : key instanceof ECKey e ? new ECDSASigner(e) : new Ed25519Signer((OctetKeyPair) key);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(alg)
                            .type(JOSEObjectType.JWT)
                            .keyID(kid)
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HMAC token over any bytes as the secret (the dev secret, or a public key an attacker knows). */
    public static String hmac(byte[] secret, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(alg)
                            .type(JOSEObjectType.JWT)
                            .keyID(kid)
                            .build(),
                    claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic key confusion: HS256 keyed with the RSA public key's X.509 encoding, which is public. */
    public static String hs256WithPublicKey(RSAKey key, JWTClaimsSet claims) {
        try {
            return hmac(key.toRSAPublicKey().getEncoded(), JWSAlgorithm.HS256, key.getKeyID(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same confusion keyed with the JWKS JSON text of the public key. */
    public static String hs256WithPublicJwk(RSAKey key, JWTClaimsSet claims) {
        return hmac(
                key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                JWSAlgorithm.HS256,
                key.getKeyID(),
                claims);
    }

    /** An unsecured token: {@code {"alg":"none"}}, the claims, and an empty signature. */
    public static String none(JWTClaimsSet claims) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.toString()) + ".";
    }

    /** {@code alg: none} spelled as some libraries wrongly accept it, with a signature left on. */
    public static String noneWithSignature(String signed) {
        String[] parts = signed.split("\\.");
        return b64("{\"alg\":\"None\"}") + "." + parts[1] + "." + parts[2];
    }

    /** The signed token with its payload swapped for other claims, signature kept. */
    public static String tamper(String signed, JWTClaimsSet forged) {
        String[] parts = signed.split("\\.");
        return parts[0] + "." + b64(forged.toString()) + "." + parts[2];
    }

    /** A token whose header carries its own (attacker's) public key, signed with that key. */
    public static String embeddedJwk(RSAKey attacker, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .jwk(attacker.toPublicJWK())
                            .keyID(attacker.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(attacker));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parts of a token that must never be echoed: the whole and each of its segments (16 characters or more). */
    public static List<String> secretParts(String token) {
        return Stream.concat(Stream.of(token), Arrays.stream(token.split("\\.")))
                .filter(p -> p.length() >= 16)
                .distinct()
                .toList();
    }

    public static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Private key material of a JWK (what must never be logged), as base64url strings. */
    public static List<String> privateParts(JWK key) {
        Map<String, Object> json = key.toJSONObject();
        return json.entrySet().stream()
                .filter(e -> List.of("d", "p", "q", "dp", "dq", "qi").contains(e.getKey()))
                .map(e -> e.getValue().toString())
                .toList();
    }
}
