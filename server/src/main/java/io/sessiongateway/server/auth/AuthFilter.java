package io.sessiongateway.server.auth;

import io.sessiongateway.adapters.spi.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code Authorization} header of every matched request and installs a {@link Caller}: anonymous,
 * rejected (with a client-safe reason) or authenticated. It never aborts: whether a credential is required is the
 * operation's business (Agentcloud reads public sessions without one).
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter {
    private final JwtAuthenticator jwt;

    public AuthFilter(JwtAuthenticator jwt) {
        this.jwt = jwt;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Caller caller = caller(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        request.setProperty(Caller.PROPERTY, caller);
        request.setSecurityContext(caller);
    }

    Caller caller(List<String> authorization) {
        if (authorization == null || authorization.isEmpty()) {
            return Caller.anonymous();
        }
        if (authorization.size() > 1) {
            return Caller.rejected("more than one Authorization header");
        }
        String value = authorization.get(0).strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Caller.rejected("Authorization header must be 'Bearer <token>'");
        }
        try {
            return Caller.authenticated(jwt.authenticate(value.substring(space + 1).strip()));
        } catch (JwtAuthenticator.AuthenticationException e) {
            return Caller.rejected(e.getMessage());
        }
    }
}
