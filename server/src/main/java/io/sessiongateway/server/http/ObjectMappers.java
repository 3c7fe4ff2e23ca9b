package io.sessiongateway.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * The mapper Jersey uses per type. Everruns omits absent optional properties; every other dialect writes each
 * declared property, null or not (Recoup and TrueFoundry require nullable fields to be present).
 */
final class ObjectMappers implements ContextResolver<ObjectMapper> {
    /** Everruns omits absent optionals; Agentcloud's optional fields are not nullable, so absent means omitted. */
    private static final java.util.List<String> OMIT_NULLS_PACKAGES = java.util.List.of(
            "io.sessiongateway.generated.everruns.", "io.sessiongateway.generated.agentcloud.");

    private final ObjectMapper always = Json.mapper(JsonInclude.Include.ALWAYS);
    private final ObjectMapper omitNulls = Json.mapper(JsonInclude.Include.NON_NULL);

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return type != null && OMIT_NULLS_PACKAGES.stream().anyMatch(type.getName()::startsWith) ? omitNulls : always;
    }

    ObjectMapper strict() {
        return always;
    }
}
