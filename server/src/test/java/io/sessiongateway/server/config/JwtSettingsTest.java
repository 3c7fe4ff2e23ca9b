package io.sessiongateway.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import io.sessiongateway.server.auth.ClaimMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gateway.auth beyond the secret: allow-list, JWKS, audience and claim mapping, from file and environment. */
class JwtSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDevSecretAndTheGatewaysClaims() {
        JwtSettings s = GatewayConfig.load(null, Map.of()).auth().jwt();
        assertEquals(Set.of(JWSAlgorithm.HS256), s.algorithms());
        assertNull(s.jwksUrl());
        assertNull(s.jwksFile());
        assertEquals(Set.of(), s.audience());
        assertEquals(ClaimMapping.defaults(), s.claims());
        assertEquals(Duration.ofMinutes(5), s.jwksCacheTtl());
        assertEquals(Duration.ofSeconds(30), s.jwksRefreshInterval());
        assertEquals(Duration.ofSeconds(2), s.jwksTimeout());
        assertEquals(JwtSettings.defaults(), s);
    }

    @Test
    void aJwksWithoutAnAllowListAcceptsRs256Es256AndEdDsaOnly() {
        JwtSettings s = GatewayConfig.load(
                        null, Map.of("GATEWAY_JWT_JWKS_URL", "https://idp.example.com/.well-known/jwks.json"))
                .auth()
                .jwt();
        assertEquals(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), s.algorithms());
        assertEquals(
                "https://idp.example.com/.well-known/jwks.json", s.jwksUrl().toString());
    }

    @Test
    void environmentListsAreCommaSeparated() {
        JwtSettings s = GatewayConfig.load(
                        null,
                        Map.ofEntries(
                                Map.entry("GATEWAY_JWT_JWKS_FILE", "/etc/gateway/jwks.json"),
                                Map.entry("GATEWAY_JWT_ALGORITHMS", "RS256, HS256"),
                                Map.entry("GATEWAY_JWT_AUDIENCE", "api-1,api-2"),
                                Map.entry("GATEWAY_JWT_CLAIM_SUBJECT", "uid,sub"),
                                Map.entry("GATEWAY_JWT_CLAIM_SUBJECT_TYPE", ""),
                                Map.entry("GATEWAY_JWT_CLAIM_SUBJECT_SLUG", "preferred_username"),
                                Map.entry("GATEWAY_JWT_CLAIM_TENANT", "https://example.com/tenant"),
                                Map.entry("GATEWAY_JWT_CLAIM_ORG", "org_name"),
                                Map.entry("GATEWAY_JWT_CLAIM_TEAMS", "groups"),
                                Map.entry("GATEWAY_JWT_CLAIM_ACCOUNT", "acct"),
                                Map.entry("GATEWAY_JWT_CLAIM_ROLES", "realm_access.roles,permissions"),
                                Map.entry("GATEWAY_JWT_ADMIN_ROLE", "gateway-admin"),
                                Map.entry("GATEWAY_JWT_DEFAULT_SUBJECT_TYPE", "serviceaccount"),
                                Map.entry("GATEWAY_JWT_JWKS_CACHE_TTL", "10m"),
                                Map.entry("GATEWAY_JWT_JWKS_REFRESH_INTERVAL", "5s"),
                                Map.entry("GATEWAY_JWT_JWKS_TIMEOUT", "1s")))
                .auth()
                .jwt();
        assertEquals(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.HS256), s.algorithms());
        assertEquals(Path.of("/etc/gateway/jwks.json"), s.jwksFile());
        assertEquals(Set.of("api-1", "api-2"), s.audience());
        assertEquals(
                new ClaimMapping(
                        List.of("uid", "sub"),
                        List.of(),
                        List.of("preferred_username"),
                        List.of("https://example.com/tenant"),
                        List.of("org_name"),
                        List.of("groups"),
                        List.of("acct"),
                        List.of("realm_access.roles", "permissions"),
                        "gateway-admin",
                        "serviceaccount"),
                s.claims());
        assertEquals(Duration.ofMinutes(10), s.jwksCacheTtl());
        assertEquals(Duration.ofSeconds(5), s.jwksRefreshInterval());
        assertEquals(Duration.ofSeconds(1), s.jwksTimeout());
    }

    @Test
    void aFileMayNameOneClaimAsAString() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, """
                gateway.auth {
                  jwks-url = "https://idp.example.com/jwks"
                  algorithms = [ES256]
                  audience = "https://api.example.com"
                  claims { subject = oid, tenant = tid, roles = [roles, "realm_access.roles"] }
                }
                """);
        JwtSettings s = GatewayConfig.load(file, Map.of()).auth().jwt();
        assertEquals(Set.of(JWSAlgorithm.ES256), s.algorithms());
        assertEquals(Set.of("https://api.example.com"), s.audience());
        assertEquals(List.of("oid"), s.claims().subject());
        assertEquals(List.of("tid"), s.claims().tenant());
        assertEquals(List.of("roles", "realm_access.roles"), s.claims().roles());
        assertEquals(List.of("teams"), s.claims().teams(), "unset keys keep their defaults");
    }

    @Test
    void impossibleSettingsAreStartupErrors() {
        assertEquals(
                "auth.algorithms [RS256] need keys: set auth.jwks-url or auth.jwks-file",
                error(Map.of("GATEWAY_JWT_ALGORITHMS", "RS256,HS256")));
        assertEquals(
                "auth.algorithms: 'none' is not accepted; choose from ES256, ES384, ES512, Ed25519,"
                        + " EdDSA, HS256, HS384, HS512, PS256, PS384, PS512, RS256, RS384, RS512",
                error(Map.of("GATEWAY_JWT_ALGORITHMS", "none")));
        assertEquals(
                "auth.jwks-url and auth.jwks-file are exclusive; set one",
                error(Map.of("GATEWAY_JWT_JWKS_URL", "https://idp/jwks", "GATEWAY_JWT_JWKS_FILE", "/tmp/jwks.json")));
        assertEquals("auth.jwks-url must be an http(s) URL", error(Map.of("GATEWAY_JWT_JWKS_URL", "file:///etc/x")));
        assertEquals("auth.jwks-url must be an http(s) URL", error(Map.of("GATEWAY_JWT_JWKS_URL", "not a url")));
        assertEquals(
                "auth.jwks-refresh-interval must be shorter than auth.jwks-cache-ttl",
                error(Map.of("GATEWAY_JWT_JWKS_CACHE_TTL", "30s")));
        assertEquals("auth.jwks-timeout must be positive", error(Map.of("GATEWAY_JWT_JWKS_TIMEOUT", "0s")));
        assertEquals(
                "auth.claims.subject must name at least one claim", error(Map.of("GATEWAY_JWT_CLAIM_SUBJECT", " ")));
    }

    private static String error(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(null, env))
                .getMessage();
    }
}
