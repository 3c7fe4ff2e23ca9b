package io.sessiongateway.server.auth;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.service.ApiKeyService;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves a {@link Caller} on every matched request: the presented credentials with a verifier, checked only when
 * the operation asks in its dialect's form. It never aborts: whether a credential is required, and which kind, is
 * the operation's business (a dialect may read public sessions without one, or want exactly one of two headers).
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter, Caller.Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);

    private final JwtAuthenticator jwt;
    private final ApiKeyService keys;

    public AuthFilter(JwtAuthenticator jwt, ApiKeyService keys) {
        this.jwt = jwt;
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(Caller.PROPERTY, Caller.of(request.getHeaders(), this));
    }

    @Override
    public Principal jwt(String token) {
        try {
            return jwt.authenticate(token);
        } catch (JwtAuthenticator.AuthenticationException e) {
            // The reason only: the token itself is never logged.
            LOG.debug("bearer token refused: {}", e.getMessage());
            throw GatewayException.unauthenticated(e.getMessage());
        }
    }

    @Override
    public Principal apiKey(String form, String key) {
        try {
            return keys.authenticate(form, key);
        } catch (GatewayException e) {
            LOG.debug("{} API key refused: {}", form, e.getMessage());
            throw e;
        }
    }

    @Override
    public boolean isApiKey(String credential) {
        return keys.looksLikeKey(credential);
    }

    @Override
    public boolean isWorkerKey(String credential) {
        return keys.looksLikeWorkerKey(credential);
    }

    @Override
    public Principal workerKey(String key) {
        return apiKey(ApiKeyService.WORKER_FORM, key);
    }
}
