package io.sessiongateway.core.service;

import static io.sessiongateway.core.service.ServiceFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.SubjectRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** API keys through {@link ApiKeyService}: shown once, stored as a hash, scoped, expiring, revocable. */
class ApiKeyServiceTest {
    private static final UUID ACCOUNT = UUID.randomUUID();

    private final ServiceFixture f = new ServiceFixture();

    private static NewApiKey key(String dialect, Instant expiresAt) {
        return new NewApiKey(
                dialect, "ci", new SubjectRef("serviceaccount", "ci-bot", "CI"), ACCOUNT, List.of("team-a"), expiresAt);
    }

    @Test
    void createShowsTheSecretOnceWithTheDialectsPrefixAndStoresItsHash() {
        ApiKeyService.Created everruns = f.keys.create("acme", key("everruns", null));
        ApiKeyService.Created recoup = f.keys.create("acme", key("recoup", null));
        assertTrue(everruns.secret().matches("evr_[A-Za-z0-9_-]{43}"), everruns.secret());
        assertTrue(recoup.secret().matches("rcp_[A-Za-z0-9_-]{43}"), recoup.secret());
        ApiKey stored = everruns.key();
        assertEquals(
                new ApiKey(
                        stored.id(),
                        "acme",
                        "everruns",
                        "ci",
                        everruns.secret().substring(0, 12),
                        new SubjectRef("serviceaccount", "ci-bot", null),
                        ACCOUNT,
                        List.of("team-a"),
                        ServiceFixture.START,
                        null,
                        null,
                        null),
                stored);
        assertEquals(
                stored,
                f.store.findApiKeyByHash(ApiKeyService.hash(everruns.secret())).orElseThrow());
        assertEquals(List.of(stored, recoup.key()), f.keys.list("acme"));
    }

    @Test
    void createForAnUnknownDialectIsAnInvalidBody() {
        GatewayException e = refused(
                ErrorKind.INVALID_BODY, "invalid_request_body", () -> f.keys.create("acme", key("agentcloud", null)));
        assertEquals("dialect", e.param());
        assertEquals("dialect must be one of [everruns, recoup]", e.getMessage());
    }

    @Test
    void createExpiringNowOrEarlierIsAnInvalidBody() {
        GatewayException e = refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> f.keys.create("acme", key("everruns", ServiceFixture.START)));
        assertEquals("expires_at", e.param());
    }

    @Test
    void authenticateActsAsTheKeysSubjectInItsTenantAndRecordsTheUse() {
        ApiKeyService.Created created = f.keys.create("acme", key("recoup", null));
        f.clock.advance(Duration.ofMinutes(1));
        Principal p = f.keys.authenticate("recoup", created.secret());
        assertEquals(
                new Principal(
                        new SubjectRef("serviceaccount", "ci-bot", null), "acme", Set.of("team-a"), ACCOUNT, false),
                p,
                "never an admin");
        assertEquals(f.clock.instant(), f.keys.list("acme").get(0).lastUsedAt());
    }

    @Test
    void authenticateWithAKeyOfAnotherDialectIsUnauthenticated() {
        ApiKeyService.Created created = f.keys.create("acme", key("recoup", null));
        GatewayException e = refused(
                ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("everruns", created.secret()));
        assertEquals("invalid API key", e.getMessage());
        String disguised = "evr_" + created.secret().substring(4);
        refused(ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("everruns", disguised));
    }

    @Test
    void authenticateWithAnUnknownOrMalformedKeyIsUnauthenticated() {
        for (String presented : new String[] {null, "", "evr_unknown", "evr_" + "x".repeat(253)}) {
            GatewayException e = refused(
                    ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("everruns", presented));
            assertEquals("invalid API key", e.getMessage());
        }
        refused(ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("agentcloud", "evr_x"));
    }

    @Test
    void authenticateWithARevokedKeyIsUnauthenticated() {
        ApiKeyService.Created created = f.keys.create("acme", key("everruns", null));
        f.keys.revoke("acme", created.key().id());
        GatewayException e = refused(
                ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("everruns", created.secret()));
        assertEquals("API key has been revoked", e.getMessage());
    }

    @Test
    void authenticateFromTheMomentOfExpiryIsUnauthenticated() {
        ApiKeyService.Created created = f.keys.create("acme", key("everruns", ServiceFixture.START.plusSeconds(60)));
        f.clock.advance(Duration.ofSeconds(59));
        f.keys.authenticate("everruns", created.secret());
        f.clock.advance(Duration.ofSeconds(1));
        GatewayException e = refused(
                ErrorKind.UNAUTHENTICATED, "unauthenticated", () -> f.keys.authenticate("everruns", created.secret()));
        assertEquals("API key has expired", e.getMessage());
    }

    @Test
    void revokeOfAnotherTenantsKeyIsNotFound() {
        ApiKeyService.Created created = f.keys.create("acme", key("everruns", null));
        f.keys.create("globex", key("everruns", null));
        refused(
                ErrorKind.NOT_FOUND,
                "api_key_not_found",
                () -> f.keys.revoke("globex", created.key().id()));
        refused(
                ErrorKind.NOT_FOUND,
                "api_key_not_found",
                () -> f.keys.revoke("nobody", created.key().id()));
        f.keys.authenticate("everruns", created.secret());
    }

    @Test
    void listOfAnUnknownTenantIsEmpty() {
        assertEquals(List.of(), f.keys.list("nobody"));
        assertTrue(f.store.findTenant("nobody").isEmpty());
    }
}
