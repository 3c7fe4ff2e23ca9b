package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Who may call, and with which tokens.
 *
 * @param jwtSecret {@code gateway.auth.jwt-secret}: the HS256 secret, or null for the one generated into the data
 *     dir
 * @param issuer {@code gateway.auth.issuer}: required {@code iss} of accepted tokens and issuer of minted ones
 * @param clockSkew {@code gateway.auth.clock-skew}: tolerance on {@code exp} and {@code nbf}
 * @param sessionCreatorTypes {@code gateway.auth.session-creator-types}, lower case
 * @param jwt the rest of {@code gateway.auth}: algorithms, JWKS, audience, claims
 */
public record AuthSettings(
        String jwtSecret, String issuer, Duration clockSkew, Set<String> sessionCreatorTypes, JwtSettings jwt) {

    public AuthSettings {
        sessionCreatorTypes = Set.copyOf(sessionCreatorTypes);
    }

    /** Reads {@code gateway.auth}; IllegalArgumentException names the offending key. */
    static AuthSettings from(Config auth) {
        return new AuthSettings(
                GatewayConfig.blankToNull(auth.getString("jwt-secret")),
                auth.getString("issuer"),
                auth.getDuration("clock-skew"),
                Set.copyOf(auth.getStringList("session-creator-types").stream()
                        .map(s -> s.toLowerCase(Locale.ROOT))
                        .toList()),
                JwtSettings.from(auth));
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "AuthSettings[jwtSecret=" + (jwtSecret == null ? "generated" : "***") + ", issuer=" + issuer
                + ", clockSkew=" + clockSkew + ", sessionCreatorTypes=" + sessionCreatorTypes + ", jwt=" + jwt + "]";
    }
}
