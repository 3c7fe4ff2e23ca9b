package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * API keys: generated here with 256 random bits, shown once, stored only as a SHA-256 hash, scoped to a tenant
 * (and an account and teams), optionally expiring, revocable with immediate effect. A key has a form: the name of
 * the dialect that accepts it, whose prefix starts the key. The forms are the registered dialects' declarations.
 */
public final class ApiKeyService {
    /**
     * The form of worker keys: the runtime API's (the gateway's own, not a vendor's). Such a key authenticates a
     * worker ({@link Principal#worker()}), which every dialect refuses.
     */
    public static final String WORKER_FORM = "runtime";

    private static final int DISPLAY_CHARS = 12;

    private final SessionStore store;
    private final Clock clock;
    private final Map<String, String> prefixes;
    private final SecureRandom random = new SecureRandom();

    /** @param prefixes key prefix by form (dialect name), as the dialects that take API keys declare them */
    public ApiKeyService(SessionStore store, Clock clock, Map<String, String> prefixes) {
        this.store = store;
        this.clock = clock;
        this.prefixes = Map.copyOf(prefixes);
    }

    /** The key forms, sorted. */
    public List<String> forms() {
        return prefixes.keySet().stream().sorted().toList();
    }

    /** Whether a presented credential has the form of an API key (starts with a key prefix). */
    public boolean looksLikeKey(String credential) {
        return credential != null && prefixes.values().stream().anyMatch(credential::startsWith);
    }

    /** Whether a presented credential has the form of a worker key (starts with the worker form's prefix). */
    public boolean looksLikeWorkerKey(String credential) {
        String prefix = prefixes.get(WORKER_FORM);
        return credential != null && prefix != null && credential.startsWith(prefix);
    }

    /** A created key and its secret, which is never shown again. */
    public record Created(ApiKey key, String secret) {}

    public Created create(String tenantName, NewApiKey request) {
        String prefix = prefixes.get(request.dialect());
        if (prefix == null) {
            throw GatewayException.invalidBody("dialect must be one of " + forms(), "dialect");
        }
        Instant now = now();
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw GatewayException.invalidBody("expires_at must be in the future", "expires_at");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Tenant tenant = store.ensureTenant(tenantName);
        ApiKey key = store.createApiKey(tenant, request, secret.substring(0, DISPLAY_CHARS), hash(secret), now);
        return new Created(key, secret);
    }

    public List<ApiKey> list(String tenantName) {
        return store.findTenant(tenantName).map(t -> store.listApiKeys(t.id())).orElse(List.of());
    }

    /** Revokes the key now; NOT_FOUND when the tenant has no such key. */
    public void revoke(String tenantName, UUID keyId) {
        Tenant tenant = store.findTenant(tenantName).orElseThrow(() -> keyNotFound(keyId));
        if (!store.revokeApiKey(tenant.id(), keyId, now())) {
            throw keyNotFound(keyId);
        }
    }

    /**
     * The principal a presented key of this form acts as, or UNAUTHENTICATED (unknown, revoked, expired, or a key
     * of another form). Records the use.
     */
    public Principal authenticate(String dialect, String presented) {
        String prefix = prefixes.get(dialect);
        if (presented == null || presented.length() > 256 || prefix == null || !presented.startsWith(prefix)) {
            throw GatewayException.unauthenticated("invalid API key");
        }
        // The secret itself is never compared: the lookup goes by its SHA-256, so response timing can only tell
        // an attacker about hashes of guesses, never about the stored secret.
        Optional<ApiKey> found = store.findApiKeyByHash(hash(presented));
        ApiKey key = found.filter(k -> k.dialect().equals(dialect))
                .orElseThrow(() -> GatewayException.unauthenticated("invalid API key"));
        Instant now = now();
        if (key.revokedAt() != null) {
            throw GatewayException.unauthenticated("API key has been revoked");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            throw GatewayException.unauthenticated("API key has expired");
        }
        store.touchApiKey(key.id(), now);
        return new Principal(
                key.subject(),
                key.tenantName(),
                Set.copyOf(key.teams()),
                key.accountId(),
                false,
                WORKER_FORM.equals(dialect));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static GatewayException keyNotFound(UUID keyId) {
        return new GatewayException(ErrorKind.NOT_FOUND, "api_key_not_found", "API key " + keyId + " not found");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
