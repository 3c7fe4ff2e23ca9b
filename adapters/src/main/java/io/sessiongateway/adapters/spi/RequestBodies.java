package io.sessiongateway.adapters.spi;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Where the server leaves the parsed JSON tree of a request body, for adapters that must see properties their
 * generated model does not declare (TrueFoundry's optional client-chosen {@code id}).
 */
public final class RequestBodies {
    public static final String TREE_PROPERTY = "io.sessiongateway.body.tree";

    private RequestBodies() {}

    /** The body's JSON tree, or null when there was no body. */
    public static JsonNode tree(ContainerRequestContext request) {
        return request.getProperty(TREE_PROPERTY) instanceof JsonNode n ? n : null;
    }
}
