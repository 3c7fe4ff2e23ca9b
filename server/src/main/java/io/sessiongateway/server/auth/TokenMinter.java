package io.sessiongateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Mints HS256 development tokens with the gateway's claim names. */
public final class TokenMinter {
    private final byte[] secret;
    private final String issuer;

    public TokenMinter(byte[] secret, String issuer) {
        this.secret = secret.clone();
        this.issuer = issuer;
    }

    /** What a token says about its bearer. */
    public record Grant(String tenant, String subject, String subjectType, String subjectSlug, List<String> teams,
            UUID account, boolean admin, Duration ttl) {
    }

    public String mint(Grant g, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(g.subject())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(g.ttl())))
                .jwtID(UUID.randomUUID().toString())
                .claim(Claims.TENANT, g.tenant())
                .claim(Claims.SUBJECT_TYPE, g.subjectType());
        if (g.subjectSlug() != null) {
            claims.claim(Claims.SUBJECT_SLUG, g.subjectSlug());
        }
        if (g.teams() != null && !g.teams().isEmpty()) {
            claims.claim(Claims.TEAMS, g.teams());
        }
        if (g.account() != null) {
            claims.claim(Claims.ACCOUNT, g.account().toString());
        }
        if (g.admin()) {
            claims.claim(Claims.ROLES, List.of(Claims.ADMIN_ROLE));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }
}
