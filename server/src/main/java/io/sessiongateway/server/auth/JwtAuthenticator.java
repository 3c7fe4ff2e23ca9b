package io.sessiongateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.server.config.JwtSettings;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies bearer JWTs and maps their claims to a {@link Principal}.
 *
 * <ul>
 *   <li>The accepted algorithms are an allow-list from configuration, never taken from the token: {@code none},
 *       encrypted tokens and every algorithm not on the list are refused before any key is looked at.</li>
 *   <li>HS256/384/512 verify with the gateway's secret only; every other algorithm with the public keys of the
 *       configured JWKS (URL or file) only. A token can therefore never pick its key's kind (no RSA public key used
 *       as an HMAC secret), and a key embedded in the token's header is never used.</li>
 *   <li>{@code exp} is required; {@code exp} and {@code nbf} are checked with the clock skew; {@code iss} must be
 *       the configured issuer; {@code aud}, when audiences are configured, must name one of them.</li>
 * </ul>
 *
 * Refusal reasons are safe to show to clients: they never quote the token, a claim value or a key.
 */
public final class JwtAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final int MAX_JWKS_BYTES = 1 << 20;
    /** RFC 7519's JWT and RFC 9068's access-token type; most providers send one or no {@code typ}. */
    private static final Set<JOSEObjectType> TYPES = new HashSet<>(Arrays.asList(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));

    /** Bound of {@link #verifiedHmac}; when full it is emptied and refills with the tokens in use. */
    static final int VERIFIED_CACHE_SIZE = 1024;

    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final ClaimMapping claims;
    private final boolean jwksOperatorTokens;
    private final ClaimsRules rules;
    /**
     * HMAC-signed tokens already verified, by their exact text, with what verifying them found. Parsing and
     * verifying a token was about a tenth of a GET's CPU time; clients send the same token many times. Only the
     * time rules ({@code exp}, {@code nbf}) change with time, and they are checked again on every use. Only HMAC
     * tokens: their key is the gateway's secret, fixed for the process's life, whereas a JWKS key can be retired
     * and its tokens must then stop working at once. Nothing here depends on the database, so several instances
     * stay consistent. Refused tokens are never kept.
     */
    private final ConcurrentHashMap<String, Verified> verifiedHmac = new ConcurrentHashMap<>();

    private record Verified(Principal principal, Date exp, Date nbf) {}

    /** HS256 with the secret, the gateway's claim names, no audience: the defaults. */
    public JwtAuthenticator(byte[] secret, String issuer, Duration clockSkew) {
        this(secret, issuer, clockSkew, JwtSettings.defaults(), Clock.systemUTC());
    }

    /**
     * @throws IllegalArgumentException when the settings cannot work (a JWKS file that cannot be read, a secret too
     *     short for an allowed HMAC algorithm)
     */
    public JwtAuthenticator(byte[] secret, String issuer, Duration clockSkew, JwtSettings settings, Clock clock) {
        this.algorithms = Set.copyOf(settings.algorithms());
        this.claims = settings.claims();
        this.jwksOperatorTokens = settings.jwksOperatorTokens();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPES));
        processor.setJWSVerifierFactory(new EdDsaSupport.Factory());
        processor.setJWSKeySelector(keySelector(secret, settings, clock));
        rules = new ClaimsRules(issuer, settings.audience(), clockSkew, clock);
        processor.setJWTClaimsSetVerifier(rules);
        LOG.info(
                "bearer tokens: algorithms {}, issuer {}, audience {}, keys {}",
                algorithms.stream().map(JWSAlgorithm::getName).sorted().toList(),
                issuer,
                settings.audience().isEmpty() ? "not checked" : settings.audience(),
                settings.jwksUrl() != null
                        ? "from " + JwtSettings.redacted(settings.jwksUrl())
                        : settings.jwksFile() != null ? "from file " + settings.jwksFile() : "none (shared secret)");
    }

    private JWSKeySelector<SecurityContext> keySelector(byte[] secret, JwtSettings settings, Clock clock) {
        Set<JWSAlgorithm> hmac = new HashSet<>(algorithms);
        hmac.retainAll(JwtSettings.HMAC);
        Set<JWSAlgorithm> asymmetric = new HashSet<>(algorithms);
        asymmetric.retainAll(JwtSettings.ASYMMETRIC);
        for (JWSAlgorithm alg : hmac) {
            int minBytes = alg.equals(JWSAlgorithm.HS512) ? 64 : alg.equals(JWSAlgorithm.HS384) ? 48 : 32;
            if (secret.length < minBytes) {
                throw new IllegalArgumentException(
                        "auth.algorithms: " + alg.getName() + " needs a secret of at least " + minBytes + " bytes");
            }
        }
        Set<JWSAlgorithm> jca = new HashSet<>(asymmetric);
        jca.removeAll(EdDsaSupport.ALGORITHMS);
        JWKSource<SecurityContext> source = asymmetric.isEmpty() ? null : jwkSource(settings, clock);
        JWSVerificationKeySelector<SecurityContext> jwks =
                jca.isEmpty() ? null : new JWSVerificationKeySelector<>(jca, source);
        SecretKeySpec hmacKey = hmac.isEmpty() ? null : new SecretKeySpec(secret.clone(), "HMAC");
        return (header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (hmac.contains(alg)) {
                return List.<Key>of(hmacKey);
            }
            if (EdDsaSupport.ALGORITHMS.contains(alg) && asymmetric.contains(alg)) {
                return EdDsaSupport.select(source, header, context);
            }
            if (jwks != null && jca.contains(alg)) {
                return jwks.selectJWSKeys(header, context);
            }
            return List.of();
        };
    }

    private static JWKSource<SecurityContext> jwkSource(JwtSettings s, Clock clock) {
        if (s.jwksFile() != null) {
            return new JWKSetBasedJWKSource<>(
                    new JwksFileSource(s.jwksFile(), s.jwksCacheTtl(), s.jwksRefreshInterval(), clock.millis()));
        }
        if (s.jwksUrl() == null) {
            throw new IllegalArgumentException("asymmetric algorithms need auth.jwks-url or auth.jwks-file");
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, s.jwksTimeout().toMillis());
        // Cached for the TTL; a token naming an unknown kid forces a refetch, rate-limited to two per interval;
        // one retry on a transient failure. No refresh-ahead thread: nothing to stop at shutdown.
        return JWKSourceBuilder.<SecurityContext>create(
                        s.jwksUrl(), new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES))
                .cache(s.jwksCacheTtl().toMillis(), s.jwksTimeout().toMillis() * 2)
                .refreshAheadCache(false)
                .rateLimited(s.jwksRefreshInterval().toMillis())
                .retrying(true)
                .outageTolerant(false)
                .build();
    }

    /** The principal of a valid token. */
    public Principal authenticate(String token) throws AuthenticationException {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthenticationException("malformed bearer token");
        }
        Verified known = verifiedHmac.get(token);
        if (known != null) {
            try {
                rules.verifyTimes(known.exp(), known.nbf());
            } catch (Refused e) {
                throw new AuthenticationException(e.getMessage());
            }
            return known.principal();
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationException("malformed bearer token");
        }
        if (parsed instanceof PlainJWT) {
            throw new AuthenticationException("unsigned tokens (alg none) are not accepted");
        }
        if (!(parsed instanceof SignedJWT signed)) {
            throw new AuthenticationException("encrypted tokens are not accepted");
        }
        JWSHeader header = signed.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw new AuthenticationException("token algorithm not accepted");
        }
        if (!TYPES.contains(header.getType())) {
            throw new AuthenticationException("token type not accepted");
        }
        JWTClaimsSet verified;
        try {
            verified = processor.process(signed, null);
        } catch (Refused e) {
            throw new AuthenticationException(e.getMessage());
        } catch (BadJWTException e) {
            throw new AuthenticationException("token claims could not be read");
        } catch (BadJWSException e) {
            throw new AuthenticationException("token signature is not valid");
        } catch (BadJOSEException e) {
            // once algorithm and type passed: no key matches (an unknown kid), or a critical header we do not know
            throw new AuthenticationException("no signing key accepts this token");
        } catch (RateLimitReachedException e) {
            // an unknown kid while refetches are rate-limited
            throw new AuthenticationException("no signing key accepts this token");
        } catch (KeySourceException e) {
            LOG.warn("JWKS unavailable, bearer tokens cannot be verified: {}", rootCause(e));
            throw new AuthenticationException("token signing keys are unavailable");
        } catch (JOSEException e) {
            throw new AuthenticationException("token could not be verified");
        }
        Principal principal = claims.principal(verified);
        if (principal.everyTenant() && !jwksOperatorTokens && !JwtSettings.HMAC.contains(header.getAlgorithm())) {
            throw new AuthenticationException("operator tokens (tenant '*') are accepted from the identity provider "
                    + "only when gateway.auth.jwks-operator-tokens is on");
        }
        if (JwtSettings.HMAC.contains(header.getAlgorithm())) {
            if (verifiedHmac.size() >= VERIFIED_CACHE_SIZE) {
                verifiedHmac.clear();
            }
            verifiedHmac.put(token, new Verified(principal, verified.getExpirationTime(), verified.getNotBeforeTime()));
        }
        return principal;
    }

    private static String rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName();
    }

    /** {@code exp} required; {@code exp}, {@code nbf} with skew; {@code iss}; {@code aud} when configured. */
    private static final class ClaimsRules implements JWTClaimsSetVerifier<SecurityContext> {
        private final String issuer;
        private final Set<String> audience;
        private final long skewSeconds;
        private final Clock clock;

        ClaimsRules(String issuer, Set<String> audience, Duration skew, Clock clock) {
            this.issuer = issuer;
            this.audience = Set.copyOf(audience);
            this.skewSeconds = Math.max(0, skew.toSeconds());
            this.clock = clock;
        }

        /** {@code exp} required and not past, {@code nbf} if present reached, both with the skew, as of now. */
        void verifyTimes(Date exp, Date nbf) throws Refused {
            Date now = Date.from(clock.instant());
            if (exp == null) {
                throw new Refused("token has no expiry (exp)");
            }
            if (!DateUtils.isAfter(exp, now, skewSeconds)) {
                throw new Refused("token has expired");
            }
            if (nbf != null && !DateUtils.isBefore(nbf, now, skewSeconds)) {
                throw new Refused("token is not yet valid");
            }
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            Date exp;
            Date nbf;
            List<String> aud;
            try {
                exp = claims.getExpirationTime();
                nbf = claims.getNotBeforeTime();
                aud = claims.getAudience();
            } catch (RuntimeException e) {
                throw new Refused("token claims have the wrong types");
            }
            verifyTimes(exp, nbf);
            if (!issuer.equals(claims.getIssuer())) {
                throw new Refused("token issuer not accepted");
            }
            if (!audience.isEmpty() && (aud == null || aud.stream().noneMatch(audience::contains))) {
                throw new Refused("token audience not accepted");
            }
        }
    }

    /** A claims refusal whose message is ours, and so safe to pass on. */
    private static final class Refused extends BadJWTException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** A token was presented and refused; the message is safe for clients. */
    public static final class AuthenticationException extends Exception {
        private static final long serialVersionUID = 1L;

        public AuthenticationException(String message) {
            super(message, null, false, false);
        }
    }
}
