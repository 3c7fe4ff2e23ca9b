package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;

/**
 * What the server's authentication filter learned about the caller: nothing (no credential), a failure (and why),
 * or a principal. Installed as the request's {@link SecurityContext}; adapters decide whether they need a principal,
 * since some reads (Agentcloud's public sessions) need none.
 */
public final class Caller implements SecurityContext {
    private static final Caller ANONYMOUS = new Caller(null, "missing authentication token", false);

    private final Principal principal;
    private final String failure;
    private final boolean presented;

    private Caller(Principal principal, String failure, boolean presented) {
        this.principal = principal;
        this.failure = failure;
        this.presented = presented;
    }

    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /** A credential was presented but is not acceptable; the reason is safe to show to the client. */
    public static Caller rejected(String reason) {
        return new Caller(null, reason, true);
    }

    public static Caller authenticated(Principal principal) {
        return new Caller(principal, null, true);
    }

    /** Request property under which the authentication filter leaves the caller. */
    public static final String PROPERTY = "io.sessiongateway.caller";

    /** The caller of a request; anonymous when no filter ran. */
    public static Caller of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof Caller c ? c : ANONYMOUS;
    }

    /** The principal, or UNAUTHENTICATED with the reason the credential was refused. */
    public Principal require() {
        if (principal == null) {
            throw GatewayException.unauthenticated(failure);
        }
        return principal;
    }

    /**
     * The principal if any. A presented but refused credential still fails: a bad token is never silently
     * treated as no token.
     */
    public Optional<Principal> optional() {
        if (presented && principal == null) {
            throw GatewayException.unauthenticated(failure);
        }
        return Optional.ofNullable(principal);
    }

    @Override
    public java.security.Principal getUserPrincipal() {
        return principal == null ? null : () -> principal.subject().id();
    }

    @Override
    public boolean isUserInRole(String role) {
        return principal != null && "admin".equals(role) && principal.admin();
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String getAuthenticationScheme() {
        return principal == null ? null : "Bearer";
    }
}
