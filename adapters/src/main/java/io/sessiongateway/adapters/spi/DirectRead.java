package io.sessiongateway.adapters.spi;

import java.util.Map;

/**
 * Implemented by an adapter whose GET of one session the server may serve outside the framework (a fast path in
 * front of Jersey, issue #15): the same credential checks, the same core read and the same response model as the
 * adapter's Jersey method, which must itself go through {@link #readDirect}, so that both paths answer with the
 * same entity by construction. The server serves only the success path this way: whatever {@link #readDirect}
 * throws, the request is handed to Jersey untouched, which answers it as the operation always does.
 */
public interface DirectRead {
    /**
     * The name of the generated interface method (an operation with {@code GET}) that {@link #readDirect} serves;
     * its route (the document's path under the dialect's prefix) is the one the server claims.
     */
    String directOperation();

    /**
     * The entity the operation answers {@code 200} with, after the checks the adapter's
     * {@link CredentialsFirst#verifyCredentials} makes for this operation and the operation's own.
     *
     * @param caller the request's credentials
     * @param pathParameters the route's path parameters by their names in the document, not decoded
     * @throws RuntimeException whenever the answer would be anything but {@code 200} with this entity
     */
    Object readDirect(Caller caller, Map<String, String> pathParameters);
}
