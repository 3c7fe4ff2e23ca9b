package io.sessiongateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sessiongateway.server.config.GatewayConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints HS256 development tokens. The claims go under the first name of each configured claim mapping (the
 * gateway's own names by default; a dotted name becomes nested objects) and carry the first configured audience, so
 * that the gateway accepts what {@code ./gateway token} prints whenever HS256 is on its allow-list.
 */
public final class TokenMinter {
    private final byte[] secret;
    private final String issuer;
    private final ClaimMapping names;
    private final String audience;

    public TokenMinter(byte[] secret, String issuer) {
        this(secret, issuer, ClaimMapping.defaults(), null);
    }

    /**
     * @param audience the {@code aud} of minted tokens, or null for none
     */
    public TokenMinter(byte[] secret, String issuer, ClaimMapping names, String audience) {
        this.secret = secret.clone();
        this.issuer = issuer;
        this.names = names;
        this.audience = audience;
    }

    /** A minter matching a configuration: its secret, issuer, claim names and first audience. */
    public static TokenMinter forConfig(GatewayConfig cfg) {
        return new TokenMinter(
                DevSecret.resolve(cfg.auth().jwtSecret(), cfg.dataDir()),
                cfg.auth().issuer(),
                cfg.auth().jwt().claims(),
                cfg.auth().jwt().audience().stream().sorted().findFirst().orElse(null));
    }

    /** What a token says about its bearer. */
    public record Grant(
            String tenant,
            String subject,
            String subjectType,
            String subjectSlug,
            List<String> teams,
            UUID account,
            boolean admin,
            Duration ttl,
            boolean worker) {
        /** A client's (or admin's) token: no worker role. */
        public Grant(
                String tenant,
                String subject,
                String subjectType,
                String subjectSlug,
                List<String> teams,
                UUID account,
                boolean admin,
                Duration ttl) {
            this(tenant, subject, subjectType, subjectSlug, teams, account, admin, ttl, false);
        }
    }

    public String mint(Grant g, Instant now) {
        Map<String, Object> custom = new LinkedHashMap<>();
        put(custom, first(names.subject()), g.subject());
        put(custom, first(names.tenant().isEmpty() ? names.org() : names.tenant()), g.tenant());
        put(custom, first(names.subjectType()), g.subjectType());
        if (g.subjectSlug() != null) {
            put(custom, first(names.subjectSlug()), g.subjectSlug());
        }
        if (g.teams() != null && !g.teams().isEmpty()) {
            put(custom, first(names.teams()), List.copyOf(g.teams()));
        }
        if (g.account() != null) {
            put(custom, first(names.account()), g.account().toString());
        }
        List<String> roles = new ArrayList<>();
        if (g.admin()) {
            roles.add(names.adminRole());
        }
        if (g.worker()) {
            roles.add(Claims.WORKER_ROLE);
        }
        if (!roles.isEmpty()) {
            put(custom, first(names.roles()), List.copyOf(roles));
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(g.ttl())))
                .jwtID(UUID.randomUUID().toString());
        if (audience != null) {
            claims.audience(audience);
        }
        custom.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    private static String first(List<String> names) {
        return names.isEmpty() ? null : names.get(0);
    }

    /** Sets a claim by name, or along a dotted path of nested objects (the way {@link ClaimMapping} reads it). */
    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> claims, String name, Object value) {
        if (name == null) {
            return;
        }
        if (name.indexOf('.') <= 0 || name.contains("://")) {
            claims.put(name, value);
            return;
        }
        String[] path = name.split("\\.");
        Map<String, Object> node = claims;
        for (int i = 0; i < path.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(path[path.length - 1], value);
    }
}
