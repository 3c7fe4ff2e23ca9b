package io.sessiongateway.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.server.auth.AuthFilter;
import java.util.List;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;

/** The Jersey application: mounted dialects, authentication, strict JSON and one error mapper. */
public final class HttpApplication {
    private final List<Mounted> mounted;
    private final AuthFilter auth;
    private final long maxBodyBytes;
    /** The JSON mappers Jersey's provider gets per type (and the fast reads with it). */
    private final ObjectMappers mappers;

    public HttpApplication(List<Mounted> mounted, AuthFilter auth, long maxBodyBytes) {
        this.mounted = List.copyOf(mounted);
        this.mappers =
                new ObjectMappers(this.mounted.stream().map(Mounted::dialect).toList());
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
    }

    public ResourceConfig resourceConfig() {
        ResourceConfig rc = new ResourceConfig();
        for (Mounted m : mounted) {
            for (Binding binding : m.dialect().bindings()) {
                rc.registerResources(Mounts.resources(m.prefix(), binding).toArray(new Resource[0]));
            }
        }
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(mappers);
        rc.register(new JsonBodyReader(mappers.strict(), maxBodyBytes));
        rc.register(new EmptyBodyFilter());
        rc.register(new TimeParamConverters());
        rc.register(auth);
        rc.register(new CredentialsFirstFilter());
        rc.register(StreamTransports.class);
        rc.register(new ErrorMapper(new DialectRouter(mounted)));
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // Errors are answered by our mapper with a body, never by the container's HTML error page.
        rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        rc.property(ServerProperties.BV_FEATURE_DISABLE, true);
        rc.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        return rc;
    }

    /** The JSON mapper Jersey's provider writes a response entity of this type with. */
    public ObjectMapper mapperFor(Class<?> type) {
        return mappers.getContext(type);
    }
}
