package io.sessiongateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.SubjectRef;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies bearer JWTs and maps their claims to a {@link Principal}. The accepted algorithm is fixed here (HS256
 * with the dev secret), never taken from the token; issuer, expiry and not-before are checked with a clock skew.
 * Refusal reasons are safe to show to clients: they never quote the token.
 */
public final class JwtAuthenticator {
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final DefaultJWTProcessor<SecurityContext> processor;

    public JwtAuthenticator(byte[] secret, String issuer, Duration clockSkew) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of(Claims.SUBJECT, Claims.TENANT, "exp"));
        verifier.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()));
        processor.setJWTClaimsSetVerifier(verifier);
    }

    /** The principal of a valid token. */
    public Principal authenticate(String token) throws AuthenticationException {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthenticationException("malformed bearer token");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationException("malformed bearer token");
        } catch (ExpiredJWTException e) {
            throw new AuthenticationException("token has expired");
        } catch (BadJWTException e) {
            throw new AuthenticationException("token rejected: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new AuthenticationException("token signature or algorithm not accepted");
        } catch (JOSEException e) {
            throw new AuthenticationException("token could not be verified");
        }
        return principal(claims);
    }

    static Principal principal(JWTClaimsSet claims) throws AuthenticationException {
        try {
            String subject = nonBlank(claims.getSubject(), Claims.SUBJECT);
            String type = claims.getStringClaim(Claims.SUBJECT_TYPE);
            String slug = claims.getStringClaim(Claims.SUBJECT_SLUG);
            String tenant = nonBlank(claims.getStringClaim(Claims.TENANT), Claims.TENANT);
            List<String> teams = claims.getStringListClaim(Claims.TEAMS);
            List<String> roles = claims.getStringListClaim(Claims.ROLES);
            String account = claims.getStringClaim(Claims.ACCOUNT);
            UUID accountId = null;
            if (account != null) {
                try {
                    accountId = UUID.fromString(account);
                } catch (IllegalArgumentException e) {
                    throw new AuthenticationException("token claim 'account' is not a UUID");
                }
            }
            return new Principal(
                    new SubjectRef(type == null || type.isBlank() ? Claims.DEFAULT_SUBJECT_TYPE : type, subject, slug),
                    tenant,
                    teams == null ? Set.of() : new HashSet<>(teams),
                    accountId,
                    roles != null && roles.contains(Claims.ADMIN_ROLE));
        } catch (ParseException e) {
            throw new AuthenticationException("token claims have the wrong types");
        }
    }

    private static String nonBlank(String value, String claim) throws AuthenticationException {
        if (value == null || value.isBlank()) {
            throw new AuthenticationException("token claim '" + claim + "' is missing");
        }
        return value;
    }

    /** A token was presented and refused; the message is safe for clients. */
    public static final class AuthenticationException extends Exception {
        private static final long serialVersionUID = 1L;

        public AuthenticationException(String message) {
            super(message, null, false, false);
        }
    }
}
