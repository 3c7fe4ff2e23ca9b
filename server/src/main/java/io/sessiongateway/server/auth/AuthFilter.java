package io.sessiongateway.server.auth;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.service.ApiKeyService;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Leaves a {@link Caller} on every matched request: the presented credentials with a verifier, checked only when
 * the operation asks in its dialect's form. It never aborts: whether a credential is required, and which kind, is
 * the operation's business (Agentcloud reads public sessions without one; Recoup wants exactly one of two headers).
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter, Caller.Verifier {
    public static final String API_KEY_HEADER = "x-api-key";

    private final JwtAuthenticator jwt;
    private final ApiKeyService keys;

    public AuthFilter(JwtAuthenticator jwt, ApiKeyService keys) {
        this.jwt = jwt;
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(Caller.PROPERTY, Caller.of(request.getHeaders().get(HttpHeaders.AUTHORIZATION),
                request.getHeaders().get(API_KEY_HEADER), this));
    }

    @Override
    public Principal jwt(String token) {
        try {
            return jwt.authenticate(token);
        } catch (JwtAuthenticator.AuthenticationException e) {
            throw GatewayException.unauthenticated(e.getMessage());
        }
    }

    @Override
    public Principal apiKey(String dialect, String key) {
        return keys.authenticate(dialect, key);
    }
}
