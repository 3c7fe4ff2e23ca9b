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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.model.Resource;

/**
 * Builds Jersey resources from generated interfaces, under a configurable prefix. The interfaces carry the
 * document's paths and HTTP methods; the prefix is the operator's. Methods are handled by the adapter instance.
 */
final class Mounts {
    private Mounts() {
    }

    static List<Resource> resources(String prefix, Binding binding) {
        Class<?> api = binding.api();
        Path classPath = api.getAnnotation(Path.class);
        String base = prefix + binding.basePath() + (classPath == null ? "" : classPath.value());
        Resource.Builder root = Resource.builder(base);
        List<Method> methods = new ArrayList<>(List.of(api.getMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        boolean any = false;
        Map<String, Resource.Builder> children = new HashMap<>();
        for (Method method : methods) {
            String verb = httpMethod(method);
            if (verb == null) {
                continue;
            }
            Path sub = method.getAnnotation(Path.class);
            // Several operations on one sub-path (GET and DELETE of the same item) share one child resource.
            Resource.Builder target = sub == null ? root
                    : children.computeIfAbsent(sub.value(), root::addChildResource);
            var m = target.addMethod(verb).handledBy(binding.implementation(), method);
            Consumes consumes = method.getAnnotation(Consumes.class);
            if (consumes != null) {
                m.consumes(consumes.value());
            }
            Produces produces = method.getAnnotation(Produces.class);
            if (produces != null) {
                m.produces(produces.value());
            }
            any = true;
        }
        if (!any) {
            throw new IllegalArgumentException(api + " declares no HTTP operation");
        }
        return List.of(root.build());
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
