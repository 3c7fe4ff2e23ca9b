package io.sessiongateway.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.Dialect;
import jakarta.ws.rs.ext.ContextResolver;
import java.util.List;

/**
 * The mapper Jersey uses per type: a dialect that omits null properties ({@link Dialect#omitsNulls}) gets one that
 * leaves them out; every other type is written with each declared property, null or not, except properties of the
 * types a dialect declares in {@link Dialect#omitsNullsOfType}, which are left out when null.
 */
final class ObjectMappers implements ContextResolver<ObjectMapper> {
    private final ObjectMapper always = Json.mapper(JsonInclude.Include.ALWAYS);
    private final ObjectMapper omitNulls = Json.mapper(JsonInclude.Include.NON_NULL);
    /** The answer per type, decided once: Jersey asks on every response. */
    private final ClassValue<ObjectMapper> byType;

    ObjectMappers(List<Dialect> dialects) {
        List<Dialect> all = List.copyOf(dialects);
        JsonInclude.Value leftOutWhenNull =
                JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL);
        for (Dialect d : all) {
            for (Class<?> type : d.omitsNullsOfType()) {
                always.configOverride(type).setIncludeAsProperty(leftOutWhenNull);
                omitNulls.configOverride(type).setIncludeAsProperty(leftOutWhenNull);
            }
        }
        this.byType = new ClassValue<>() {
            @Override
            protected ObjectMapper computeValue(Class<?> type) {
                return all.stream().anyMatch(d -> d.omitsNulls(type)) ? omitNulls : always;
            }
        };
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return type == null ? always : byType.get(type);
    }

    ObjectMapper strict() {
        return always;
    }
}
