package io.sessiongateway.server.docs;

import io.sessiongateway.adapters.spi.Binding;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * An operation as a document declares it and as the gateway mounts it: the HTTP method and the full path template
 * (below the dialect's prefix), with parameter names erased so that {@code /{id}} and {@code /{sessionId}} compare
 * equal.
 */
public record OperationKey(String method, String path) {

    /** The key of {@code method} on {@code path}, normalised. */
    public static OperationKey of(String method, String path) {
        String p = path.replaceAll("\\{[^}]*}", "{}");
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return new OperationKey(method.toUpperCase(Locale.ROOT), p.isEmpty() ? "/" : p);
    }

    /** The operations a binding mounts: each HTTP method of its interface, under its base path. */
    public static Set<OperationKey> of(Binding binding) {
        return of(binding.api(), binding.basePath());
    }

    /** The operations of a generated interface mounted under {@code basePath}. */
    public static Set<OperationKey> of(Class<?> api, String basePath) {
        Path classPath = api.getAnnotation(Path.class);
        String base = basePath + (classPath == null ? "" : classPath.value());
        Set<OperationKey> keys = new LinkedHashSet<>();
        for (Method m : api.getMethods()) {
            String verb = httpMethod(m);
            if (verb != null) {
                Path sub = m.getAnnotation(Path.class);
                keys.add(of(verb, sub == null ? base : base + (sub.value().startsWith("/") ? "" : "/") + sub.value()));
            }
        }
        return keys;
    }

    private static String httpMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
