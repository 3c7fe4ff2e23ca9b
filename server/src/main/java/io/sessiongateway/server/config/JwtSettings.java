package io.sessiongateway.server.config;

import com.nimbusds.jose.JWSAlgorithm;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.sessiongateway.server.auth.ClaimMapping;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How bearer JWTs are verified beyond the dev secret, issuer and clock skew: the algorithm allow-list, where the
 * public keys come from (a JWKS URL or file), the accepted audiences and the claim mapping. Read from
 * {@code gateway.auth}; see docs/auth.md.
 *
 * @param algorithms the effective allow-list (never empty, never {@code none})
 * @param jwksUrl the identity provider's JWKS, or null
 * @param jwksFile a JWKS file, or null
 * @param audience accepted audiences; empty = {@code aud} not checked
 * @param jwksOperatorTokens whether a token verified with a JWKS key may be an operator token (tenant {@code *}
 *     with the admin role: admin of every tenant); off by default, so that a tenant attribute a user can edit at
 *     the identity provider cannot make that user operator
 */
public record JwtSettings(
        Set<JWSAlgorithm> algorithms,
        URL jwksUrl,
        Path jwksFile,
        Duration jwksCacheTtl,
        Duration jwksRefreshInterval,
        Duration jwksTimeout,
        Set<String> audience,
        ClaimMapping claims,
        boolean jwksOperatorTokens) {

    /** Algorithms verified with the shared secret. */
    public static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    /** Algorithms verified with JWKS public keys. */
    public static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);
    /** The allow-list when none is configured and a JWKS is. */
    public static final List<JWSAlgorithm> JWKS_DEFAULT =
            List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

    public JwtSettings {
        algorithms = Set.copyOf(algorithms);
        audience = Set.copyOf(audience);
    }

    /** HS256 with the dev secret only, the gateway's own claim names, no audience: the defaults. */
    public static JwtSettings defaults() {
        return new JwtSettings(
                Set.of(JWSAlgorithm.HS256),
                null,
                null,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                Set.of(),
                ClaimMapping.defaults(),
                false);
    }

    public boolean hasJwks() {
        return jwksUrl != null || jwksFile != null;
    }

    /** Reads {@code gateway.auth}; IllegalArgumentException names the offending key. */
    static JwtSettings from(Config auth) {
        String url = auth.getString("jwks-url").strip();
        String file = auth.getString("jwks-file").strip();
        if (!url.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException("auth.jwks-url and auth.jwks-file are exclusive; set one");
        }
        URL jwksUrl = url.isEmpty() ? null : url(url);
        Path jwksFile = file.isEmpty() ? null : Path.of(file);
        boolean jwks = jwksUrl != null || jwksFile != null;

        List<String> names = strings(auth, "algorithms");
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String name : names) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name.strip());
            if (!HMAC.contains(alg) && !ASYMMETRIC.contains(alg)) {
                throw new IllegalArgumentException(
                        "auth.algorithms: '" + name + "' is not accepted; choose from " + supported());
            }
            algorithms.add(alg);
        }
        if (algorithms.isEmpty()) {
            algorithms.addAll(jwks ? JWKS_DEFAULT : List.of(JWSAlgorithm.HS256));
        }
        if (!jwks && algorithms.stream().anyMatch(ASYMMETRIC::contains)) {
            throw new IllegalArgumentException("auth.algorithms "
                    + algorithms.stream()
                            .filter(ASYMMETRIC::contains)
                            .map(JWSAlgorithm::getName)
                            .toList() + " need keys: set auth.jwks-url or auth.jwks-file");
        }

        Duration ttl = positive(auth, "jwks-cache-ttl");
        Duration refresh = positive(auth, "jwks-refresh-interval");
        if (refresh.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("auth.jwks-refresh-interval must be shorter than auth.jwks-cache-ttl");
        }
        Duration timeout = positive(auth, "jwks-timeout");

        Config c = auth.getConfig("claims");
        ClaimMapping claims;
        try {
            claims = new ClaimMapping(
                    strings(c, "subject"),
                    strings(c, "subject-type"),
                    strings(c, "subject-slug"),
                    strings(c, "tenant"),
                    strings(c, "org"),
                    strings(c, "teams"),
                    strings(c, "account"),
                    strings(c, "roles"),
                    c.getString("admin-role").strip(),
                    c.getString("default-subject-type").strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth." + e.getMessage(), e);
        }
        return new JwtSettings(
                algorithms,
                jwksUrl,
                jwksFile,
                ttl,
                refresh,
                timeout,
                new LinkedHashSet<>(strings(auth, "audience")),
                claims,
                auth.getBoolean("jwks-operator-tokens"));
    }

    private static String supported() {
        List<String> all = new ArrayList<>();
        HMAC.forEach(a -> all.add(a.getName()));
        ASYMMETRIC.forEach(a -> all.add(a.getName()));
        return all.stream().sorted().collect(Collectors.joining(", "));
    }

    private static URL url(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("auth.jwks-url must be an http(s) URL");
            }
            return uri.toURL();
        } catch (URISyntaxException | MalformedURLException e) {
            throw new IllegalArgumentException("auth.jwks-url must be an http(s) URL");
        }
    }

    private static Duration positive(Config auth, String key) {
        Duration d = auth.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("auth." + key + " must be positive");
        }
        return d;
    }

    /** A list of strings, or one string (a config file may give a single claim name). Blank entries are dropped. */
    private static List<String> strings(Config c, String key) {
        List<String> values =
                c.getValue(key).valueType() == ConfigValueType.LIST ? c.getStringList(key) : List.of(c.getString(key));
        return values.stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    /** A URL fit for a log line: no credentials, query or fragment. */
    public static String redacted(URL url) {
        return url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + url.getPath();
    }
}
