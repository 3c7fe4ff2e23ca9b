package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * After routing, before the operation's parameters and body are read: lets an adapter that is a
 * {@link CredentialsFirst} verify the request's credentials, so its vendor's order (401 before 400) holds.
 */
@Priority(Priorities.AUTHENTICATION + 1)
final class CredentialsFirstFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        for (Object resource : request.getUriInfo().getMatchedResources()) {
            if (resource instanceof CredentialsFirst adapter) {
                adapter.verifyCredentials(Caller.of(request));
                return;
            }
        }
    }
}
