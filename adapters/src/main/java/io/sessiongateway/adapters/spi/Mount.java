package io.sessiongateway.adapters.spi;

/**
 * A generated JAX-RS interface, the object implementing it, and the path its document's paths are relative to
 * (TrueFoundry's server URL ends in {@code /{tenantName}}).
 */
public record Mount(Class<?> api, Object implementation, String basePath) {
    public Mount {
        if (!api.isInterface() || !api.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass() + " does not implement " + api);
        }
    }
}
