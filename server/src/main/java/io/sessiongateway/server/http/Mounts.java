package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.Binding;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.model.Resource;

/**
 * Builds Jersey resources from generated interfaces, under a configurable prefix. The interfaces carry the
 * document's paths and HTTP methods; the prefix is the operator's. Methods are handled by the adapter instance.
 */
public final class Mounts {
    private Mounts() {}

    public static List<Resource> resources(String prefix, Binding binding) {
        Class<?> api = binding.api();
        String base = base(prefix, binding);
        List<Method> methods = new ArrayList<>(List.of(api.getMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        // One root resource per full path, never a child of a shorter one: Jersey matches the root with the longest
        // literal path first and does not go back on a method mismatch, so GET /v1/sessions/{id} declared as a child
        // of /v1/sessions (one document) next to PATCH /v1/sessions/{id} (another) answered 405. Roots with equal
        // paths, from any interface, are merged by Jersey's resource model into one resource with every method.
        Map<String, Resource.Builder> byPath = new LinkedHashMap<>();
        for (Method method : methods) {
            String verb = httpMethod(method);
            if (verb == null) {
                continue;
            }
            Path sub = method.getAnnotation(Path.class);
            String path = sub == null ? base : join(base, sub.value());
            Resource.Builder target = byPath.computeIfAbsent(path, Resource::builder);
            var m = target.addMethod(verb).handledBy(binding.implementation(), method);
            Consumes consumes = method.getAnnotation(Consumes.class);
            if (consumes != null) {
                m.consumes(consumes.value());
            }
            Produces produces = method.getAnnotation(Produces.class);
            if (produces != null) {
                m.produces(produces.value());
            }
        }
        if (byPath.isEmpty()) {
            throw new IllegalArgumentException(api + " declares no HTTP operation");
        }
        return byPath.values().stream().map(Resource.Builder::build).toList();
    }

    /** The full path template {@link #resources} mounts one method of a binding's interface at. */
    static String path(String prefix, Binding binding, Method method) {
        Path sub = method.getAnnotation(Path.class);
        String base = base(prefix, binding);
        return sub == null ? base : join(base, sub.value());
    }

    private static String base(String prefix, Binding binding) {
        Path classPath = binding.api().getAnnotation(Path.class);
        return prefix + binding.basePath() + (classPath == null ? "" : classPath.value());
    }

    /** {@code base} and {@code sub} with exactly one slash between them. */
    static String join(String base, String sub) {
        String left = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String right = sub.startsWith("/") ? sub : "/" + sub;
        return right.equals("/") ? (left.isEmpty() ? "/" : left) : left + right;
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
}
