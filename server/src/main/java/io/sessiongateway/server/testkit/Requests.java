package io.sessiongateway.server.testkit;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.server.http.DialectRouter;
import io.sessiongateway.server.http.Mounted;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * What the fault rules and the journal know of a request: its dialect (the one owning the matched generated
 * interface, else the one claiming the path, else {@code none}) and its operation (the generated method, named
 * after the document's operationId, or null), and whether it is one of the testing endpoints themselves.
 */
final class Requests {
    private final Map<Class<?>, Dialect> dialectOfApi = new HashMap<>();
    private final DialectRouter router;
    private final String testingPath;

    /** @param adminPrefix the admin API's mount prefix ("" for none) */
    Requests(List<Mounted> served, String adminPrefix) {
        for (Mounted m : served) {
            m.dialect().bindings().forEach(b -> dialectOfApi.put(b.api(), m.dialect()));
        }
        this.router = new DialectRouter(served);
        this.testingPath = adminPrefix + "/admin/v1/testing";
    }

    /** Whether the path is a testing endpoint's (or below one): never faulted, never journaled. */
    boolean isTesting(String path) {
        return path.equals(testingPath) || path.startsWith(testingPath + "/");
    }

    /** The matched definition method, or null. */
    static Method matched(ExtendedUriInfo uri) {
        ResourceMethod m = uri == null ? null : uri.getMatchedResourceMethod();
        return m == null ? null : m.getInvocable().getDefinitionMethod();
    }

    /** The dialect of the request: by its matched operation, else by its path; null when none claims it. */
    Dialect dialect(Method definition, String path) {
        if (definition != null && dialectOfApi.containsKey(definition.getDeclaringClass())) {
            return dialectOfApi.get(definition.getDeclaringClass());
        }
        return router.dialectOf(path).orElse(null);
    }

    /** The operationId of the matched method, or null. */
    String operation(Method definition) {
        return definition != null && dialectOfApi.containsKey(definition.getDeclaringClass())
                ? definition.getName()
                : null;
    }
}
