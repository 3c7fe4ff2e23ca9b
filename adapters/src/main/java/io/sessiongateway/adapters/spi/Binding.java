package io.sessiongateway.adapters.spi;

/**
 * A generated JAX-RS interface bound to the object implementing it, with the path its document's paths are relative
 * to (a document whose server URL ends in {@code /{tenantName}} has its paths under it). The server mounts a dialect
 * by mounting each of its bindings under the dialect's prefix.
 */
public record Binding(Class<?> api, Object implementation, String basePath) {
    public Binding {
        if (!api.isInterface() || !api.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass() + " does not implement " + api);
        }
    }
}
