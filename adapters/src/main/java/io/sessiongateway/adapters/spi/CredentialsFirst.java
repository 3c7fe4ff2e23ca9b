package io.sessiongateway.adapters.spi;

/**
 * Implemented by an adapter whose vendor authenticates before it reads anything else (an authentication middleware
 * in front of the handlers): the server calls {@link #verifyCredentials} once a request is routed to one of the
 * adapter's operations, before its parameters are converted and its body is read, so that a request with bad
 * credentials and a bad body or query gets the vendor's 401 rather than a 400.
 */
public interface CredentialsFirst {
    /**
     * Verifies the request's credentials in the dialect's forms; raises UNAUTHENTICATED when they are missing or
     * unacceptable. Operations that take no credentials must not be served by such an adapter.
     */
    void verifyCredentials(Caller caller);
}
