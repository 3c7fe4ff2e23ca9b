package io.sessiongateway.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.SubjectRef;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Claim mapping: the gateway's own names, and the shapes of tokens the common identity providers issue. */
class ClaimMappingTest {
    static final UUID ACCOUNT = UUID.fromString("6f1c2a9e-3b7d-4e58-9a0c-1d2e3f405162");

    static JWTClaimsSet parse(String json) {
        try {
            return JWTClaimsSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ClaimMapping mapping(
            List<String> subject,
            List<String> type,
            List<String> slug,
            List<String> tenant,
            List<String> org,
            List<String> teams,
            List<String> account,
            List<String> roles,
            String adminRole) {
        return new ClaimMapping(subject, type, slug, tenant, org, teams, account, roles, adminRole, "user");
    }

    @Test
    void theGatewaysOwnClaims() throws Exception {
        Principal p = ClaimMapping.defaults().principal(parse("""
                {"sub":"alice","sub_type":"serviceaccount","sub_slug":"Alice","tenant":"acme",
                 "teams":["aaaaaaaaaaaaaaaaaaaaaaaa"],"account":"%s","roles":["admin","viewer"]}
                """.formatted(ACCOUNT)));
        assertEquals(
                new Principal(
                        new SubjectRef("serviceaccount", "alice", "Alice"),
                        "acme",
                        Set.of("aaaaaaaaaaaaaaaaaaaaaaaa"),
                        ACCOUNT,
                        true),
                p);
        Principal minimal = ClaimMapping.defaults().principal(parse("{\"sub\":\"bob\",\"tenant\":\"acme\"}"));
        assertEquals(new Principal(new SubjectRef("user", "bob", null), "acme", Set.of(), null, false), minimal);
    }

    /** Keycloak: roles under realm_access, groups as paths, tenant from a user-attribute mapper. */
    @Test
    void keycloakStyle() throws Exception {
        ClaimMapping keycloak = mapping(
                List.of("sub"),
                List.of(),
                List.of("preferred_username"),
                List.of("tenant"),
                List.of("organization"),
                List.of("groups"),
                List.of("account"),
                List.of("realm_access.roles", "resource_access.session-gateway.roles"),
                "gateway-admin");
        Principal p = keycloak.principal(parse("""
                {"sub":"f9b2c0de-1111-4a2b-8c3d-000000000001","preferred_username":"alice","tenant":"acme",
                 "groups":["/support","/research"],
                 "realm_access":{"roles":["offline_access","gateway-admin"]},
                 "resource_access":{"session-gateway":{"roles":["viewer"]}}}
                """));
        assertEquals(
                new Principal(
                        new SubjectRef("user", "f9b2c0de-1111-4a2b-8c3d-000000000001", "alice"),
                        "acme",
                        Set.of("/support", "/research"),
                        null,
                        true),
                p);
        Principal client = keycloak.principal(parse("""
                {"sub":"svc","tenant":"acme","resource_access":{"session-gateway":{"roles":["gateway-admin"]}}}
                """));
        assertEquals(true, client.admin(), "the second name is read when the first is absent");
    }

    /** Auth0: namespaced custom claims (URLs, with dots that are not paths) and Organizations' org_name. */
    @Test
    void auth0Style() throws Exception {
        ClaimMapping auth0 = mapping(
                List.of("sub"),
                List.of("https://sessions.example.com/subject_type"),
                List.of("nickname"),
                List.of("https://sessions.example.com/tenant"),
                List.of("org_name"),
                List.of("https://sessions.example.com/teams"),
                List.of("https://sessions.example.com/account"),
                List.of("https://sessions.example.com/roles", "permissions"),
                "admin");
        Principal p = auth0.principal(parse("""
                {"sub":"auth0|5f7c8ec7c33c6c004bbafe82","org_id":"org_9ybsU1dN2dKfDkBi","org_name":"acme",
                 "https://sessions.example.com/account":"%s","permissions":["read:sessions","admin"]}
                """.formatted(ACCOUNT)));
        assertEquals(
                new Principal(
                        new SubjectRef("user", "auth0|5f7c8ec7c33c6c004bbafe82", null),
                        "acme",
                        Set.of(),
                        ACCOUNT,
                        true),
                p);
        JwtAuthenticator.AuthenticationException e =
                assertThrows(JwtAuthenticator.AuthenticationException.class, () -> auth0.principal(parse("""
                        {"sub":"x","org_name":"acme","https://sessions.example.com/tenant":"globex"}
                        """)));
        assertEquals(
                "token claims https://sessions.example.com/tenant and org_name name different tenants", e.getMessage());
    }

    /** Okta: uid as the subject, groups, scopes as a space-separated string. */
    @Test
    void oktaStyle() throws Exception {
        ClaimMapping okta = mapping(
                List.of("uid", "sub"),
                List.of(),
                List.of("sub"),
                List.of("tenant"),
                List.of(),
                List.of("groups"),
                List.of(),
                List.of("scope", "scp"),
                "sessions:admin");
        Principal p = okta.principal(parse("""
                {"sub":"alice@example.com","uid":"00u1abcdEFGH","tenant":"acme","groups":["Everyone"],
                 "scope":"openid sessions:admin  profile"}
                """));
        assertEquals(
                new Principal(
                        new SubjectRef("user", "00u1abcdEFGH", "alice@example.com"),
                        "acme",
                        Set.of("Everyone"),
                        null,
                        true),
                p);
    }

    @Test
    void numbersReadAsStringsAndBlankAsAbsent() throws Exception {
        Principal p = ClaimMapping.defaults()
                .principal(parse("{\"sub\":1234567,\"tenant\":\"acme\",\"sub_type\":\"  \",\"sub_slug\":\"\"}"));
        assertEquals(new SubjectRef("user", "1234567", null), p.subject());
    }

    @Test
    void wrongShapesAreRefusedNamingTheClaimOnly() {
        ClaimMapping d = ClaimMapping.defaults();
        assertEquals("token claim 'tenant' is not a string", refusal(d, "{\"sub\":\"a\",\"tenant\":[\"x\"]}"));
        assertEquals(
                "token claim 'teams' is not a list of strings",
                refusal(d, "{\"sub\":\"a\",\"tenant\":\"t\",\"teams\":[1]}"));
        assertEquals(
                "token claim 'roles' is not a list of strings",
                refusal(d, "{\"sub\":\"a\",\"tenant\":\"t\",\"roles\":{\"admin\":true}}"));
        assertEquals(
                "token claim 'account' is not a UUID",
                refusal(d, "{\"sub\":\"a\",\"tenant\":\"t\",\"account\":\"secret-value-42\"}"));
        assertEquals("token claim 'sub' is missing", refusal(d, "{\"tenant\":\"t\"}"));
        assertEquals("token claim 'tenant' is missing", refusal(d, "{\"sub\":\"a\",\"tenant\":\" \"}"));
    }

    @Test
    void aMappingNeedsASubjectAndATenantSource() {
        assertThrows(
                IllegalArgumentException.class,
                () -> mapping(
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of("tenant"),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        "admin"));
        assertThrows(
                IllegalArgumentException.class,
                () -> mapping(
                        List.of("sub"),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        "admin"));
        assertThrows(
                IllegalArgumentException.class,
                () -> mapping(
                        List.of("sub"),
                        List.of(),
                        List.of(),
                        List.of("tenant"),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        " "));
    }

    @Test
    void theMinterWritesWhatTheMappingReads() throws Exception {
        ClaimMapping keycloak = mapping(
                List.of("sub"),
                List.of("typ_of_sub"),
                List.of("preferred_username"),
                List.of("https://sessions.example.com/tenant"),
                List.of(),
                List.of("groups"),
                List.of("acct"),
                List.of("realm_access.roles"),
                "gateway-admin");
        byte[] secret = "minter-secret-0123456789abcdefghijkl".getBytes(StandardCharsets.UTF_8);
        String token = new TokenMinter(secret, "iss", keycloak, "aud-1")
                .mint(
                        new TokenMinter.Grant(
                                "acme", "alice", "user", "Alice", List.of("g1"), ACCOUNT, true, Duration.ofMinutes(1)),
                        Instant.now());
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertEquals(List.of("aud-1"), claims.getAudience());
        assertEquals(
                new Principal(new SubjectRef("user", "alice", "Alice"), "acme", Set.of("g1"), ACCOUNT, true),
                keycloak.principal(claims));
    }

    static String refusal(ClaimMapping m, String json) {
        return assertThrows(JwtAuthenticator.AuthenticationException.class, () -> m.principal(parse(json)))
                .getMessage();
    }
}
