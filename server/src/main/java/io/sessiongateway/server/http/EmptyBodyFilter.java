package io.sessiongateway.server.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * A request without a body has nothing its declared media type could describe (clients and libraries send a form
 * type on empty POSTs): treat it as JSON, so that operations whose body is optional match, and
 * those that need one answer "body required" in their envelope rather than 415.
 */
@PreMatching
@Priority(100)
final class EmptyBodyFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.hasEntity()) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }
}
