package io.sessiongateway.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * The mapper Jersey uses per type. Everruns omits absent optional properties; every other dialect writes each
 * declared property, null or not (Recoup and TrueFoundry require nullable fields to be present).
 */
final class ObjectMappers implements ContextResolver<ObjectMapper> {
    private static final String OMIT_NULLS_PACKAGE = "io.sessiongateway.generated.everruns.";

    private final ObjectMapper always = Json.mapper(JsonInclude.Include.ALWAYS);
    private final ObjectMapper omitNulls = Json.mapper(JsonInclude.Include.NON_NULL);

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return type != null && type.getName().startsWith(OMIT_NULLS_PACKAGE) ? omitNulls : always;
    }

    ObjectMapper strict() {
        return always;
    }
}
