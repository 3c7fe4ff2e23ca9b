package io.sessiongateway.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.DirectRead;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.jersey.internal.util.collection.StringKeyIgnoreCaseMultivaluedMap;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.uri.PathTemplate;
import org.glassfish.jersey.uri.UriTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The fast path for the hottest read (issue #15): a Grizzly handler in front of Jersey's that serves the successful
 * {@code GET} of one session of each vendor dialect ({@link DirectRead}) without Jersey's routing, request scope,
 * filters and writer chain, and hands every other request to Jersey untouched.
 *
 * <p>What it claims is derived from what Jersey serves: the route of each {@link DirectRead#directOperation} is the
 * template {@link Mounts} gives that generated method under its dialect's prefix, matched with Jersey's own
 * {@link PathTemplate}; a path that any other route of the application also matches, or that the reserved paths
 * refuse, goes to Jersey. So do requests with a query string, a body, an {@code Accept} other than JSON or any, a
 * percent-encoded or unusual path, and every request the adapter's read refuses (missing or refused credentials,
 * malformed or unknown ids, sessions the caller may not see): Jersey answers those as always, in the dialect's
 * envelope. Nothing of the request is read but its line and headers.
 *
 * <p>The answer is built by the adapter's own code (the same credential checks, core read and response model as its
 * Jersey method, which calls the same {@link DirectRead#readDirect}), written by the {@link ObjectMapper} Jersey's
 * JSON provider gets for the type, with the headers Jersey sends for it: the request id, {@code Content-Type} and
 * {@code Content-Length}. The request is counted and logged as Jersey's are (same metric labels, same access line).
 */
public final class FastReads extends HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FastReads.class);

    /** What the server records for a request (metrics, access log); implemented by the operations' observer. */
    public interface Recorder {
        /** The request is in flight. */
        void started();

        /** The request was handed to Jersey after all, which counts it again. */
        void handedOver();

        /** The request was answered. */
        void finished(String dialect, String operation, String method, String rawPath, int status, long nanos);
    }

    /**
     * One claimed route, with the application's other routes that some path it matches could also match (a path
     * one of them matches is Jersey's to route).
     */
    private record Route(
            String dialect,
            String operation,
            PathTemplate template,
            DirectRead reader,
            String type,
            List<UriTemplate> rivals) {
        Route withRivals(List<UriTemplate> others) {
            return new Route(dialect, operation, template, reader, type, List.copyOf(others));
        }
    }

    private final HttpHandler jersey;
    private final List<Route> routes;
    private final Predicate<String> refused;
    private final Caller.Verifier verifier;
    private final Function<Class<?>, ObjectMapper> mappers;
    private final Recorder recorder;
    private final LongAdder served = new LongAdder();

    private FastReads(
            HttpHandler jersey,
            List<Route> routes,
            Predicate<String> refused,
            Caller.Verifier verifier,
            Function<Class<?>, ObjectMapper> mappers,
            Recorder recorder) {
        this.jersey = jersey;
        this.routes = List.copyOf(routes);
        this.refused = refused;
        this.verifier = verifier;
        this.mappers = mappers;
        this.recorder = recorder;
        setAllowEncodedSlash(jersey.isAllowEncodedSlash());
        setAllowCustomStatusMessage(jersey.isAllowCustomStatusMessage());
        setRequestURIEncoding(jersey.getRequestURIEncoding());
    }

    /**
     * Puts the fast reads of the mounted dialects in front of the server's Jersey handler (its only handler), at
     * the same mappings; call before the server starts.
     *
     * @param rc the whole application, every resource registered (for the routes that must stay Jersey's)
     * @param mappers the JSON mapper Jersey's provider uses per entity type
     * @param mounted the served dialects with their prefixes, as {@link HttpApplication} mounted them
     * @param refused the raw paths answered 404 before routing (reserved paths)
     * @param verifier the credentials' verifier Jersey's authentication filter gives each request's caller
     */
    public static FastReads install(
            HttpServer http,
            ResourceConfig rc,
            Function<Class<?>, ObjectMapper> mappers,
            List<Mounted> mounted,
            Predicate<String> refused,
            Caller.Verifier verifier,
            Recorder recorder) {
        ServerConfiguration server = http.getServerConfiguration();
        Map<HttpHandler, String[]> handlers = server.getHttpHandlers();
        if (handlers.size() != 1) {
            throw new IllegalStateException("expected Jersey's handler alone, found " + handlers.keySet());
        }
        Map.Entry<HttpHandler, String[]> jersey = handlers.entrySet().iterator().next();
        FastReads fast = of(jersey.getKey(), rc, mappers, mounted, refused, verifier, recorder);
        server.removeHttpHandler(jersey.getKey());
        server.addHttpHandler(fast, jersey.getValue());
        return fast;
    }

    private static FastReads of(
            HttpHandler jersey,
            ResourceConfig rc,
            Function<Class<?>, ObjectMapper> mappers,
            List<Mounted> mounted,
            Predicate<String> refused,
            Caller.Verifier verifier,
            Recorder recorder) {
        List<Route> routes = new ArrayList<>();
        List<String> claimed = new ArrayList<>();
        for (Mounted m : mounted) {
            for (Binding binding : m.dialect().bindings()) {
                if (!(binding.implementation() instanceof DirectRead reader)) {
                    continue;
                }
                Method method = getMethod(binding.api(), reader.directOperation());
                if (method == null) {
                    continue;
                }
                Produces produces = method.getAnnotation(Produces.class);
                if (produces == null || produces.value().length != 1) {
                    throw new IllegalStateException(method + " must produce exactly one media type");
                }
                String path = Mounts.path(m.prefix(), binding, method);
                routes.add(new Route(
                        m.dialect().name(),
                        method.getName(),
                        new PathTemplate(path),
                        reader,
                        produces.value()[0],
                        List.of()));
                claimed.add(path);
            }
        }
        List<UriTemplate> others = new ArrayList<>();
        for (Resource resource : allResources(rc)) {
            collect(resource, "", claimed, others);
        }
        List<Route> withRivals = new ArrayList<>(routes.size());
        for (Route r : routes) {
            List<UriTemplate> rivals = new ArrayList<>();
            for (UriTemplate other : others) {
                if (mayOverlap(r.template().getTemplate(), other.getTemplate())) {
                    rivals.add(other);
                }
            }
            withRivals.add(r.withRivals(rivals));
        }
        return new FastReads(jersey, withRivals, refused, verifier, mappers, recorder);
    }

    /**
     * False only when no path can match both templates: the claimed one (plain {@code {name}} variables, one segment
     * each) and another with as many segments, or none at all, whose literal segments differ from the claimed one's
     * at the same position. Conservative otherwise (a variable with its own regular expression may span segments):
     * a request then checks that template as well. Spares each request the regular expressions of every other route.
     */
    static boolean mayOverlap(String claimed, String other) {
        if (other.matches(".*\\{[^}]*:.*")) {
            return true;
        }
        String[] a = withoutTrailingSlash(claimed).split("/", -1);
        String[] b = withoutTrailingSlash(other).split("/", -1);
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i].indexOf('{') < 0 && b[i].indexOf('{') < 0 && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static List<Resource> allResources(ResourceConfig rc) {
        List<Resource> all = new ArrayList<>(rc.getResources());
        for (Class<?> c : rc.getClasses()) {
            if (Resource.isAcceptable(c) && c.isAnnotationPresent(Path.class)) {
                all.add(Resource.from(c));
            }
        }
        for (Object o : rc.getSingletons()) {
            if (o.getClass().isAnnotationPresent(Path.class)) {
                all.add(Resource.from(o.getClass()));
            }
        }
        return all;
    }

    /** Every route template of the application but the claimed ones (whose other methods do not matter: GET only). */
    private static void collect(Resource resource, String parent, List<String> claimed, List<UriTemplate> into) {
        String path =
                resource.getPath() == null ? parent : Mounts.join(parent.isEmpty() ? "/" : parent, resource.getPath());
        if (!claimed.contains(path)) {
            into.add(new PathTemplate(path));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, claimed, into);
        }
    }

    private static Method getMethod(Class<?> api, String name) {
        for (Method method : api.getMethods()) {
            if (method.getName().equals(name) && method.isAnnotationPresent(GET.class)) {
                return method;
            }
        }
        return null;
    }

    /** The fast reads registered for a server, or null. */
    public static FastReads of(HttpServer server) {
        for (HttpHandler h : server.getServerConfiguration().getHttpHandlers().keySet()) {
            if (h instanceof FastReads fast) {
                return fast;
            }
        }
        return null;
    }

    /** Requests answered here (not handed to Jersey) since start. */
    public long served() {
        return served.sum();
    }

    @Override
    public void start() {
        jersey.start();
    }

    @Override
    public void destroy() {
        jersey.destroy();
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        if (!serve(request, response)) {
            jersey.service(request, response);
        }
    }

    /** Answers the request when it is a successful fast read; false (nothing written, nothing read) otherwise. */
    private boolean serve(Request request, Response response) {
        if (request.getMethod() != org.glassfish.grizzly.http.Method.GET
                || request.getQueryString() != null
                || !noBody(request.getHeader(Header.ContentLength))
                || request.getHeader(Header.TransferEncoding) != null
                || request.getHeader(Header.ContentType) != null
                || !acceptsJson(request)) {
            return false;
        }
        String path = request.getRequestURI();
        if (!plain(path)) {
            return false;
        }
        Route route = null;
        Map<String, String> parameters = new HashMap<>(4);
        for (Route r : routes) {
            if (r.template().match(path, parameters)) {
                route = r;
                break;
            }
        }
        if (route == null || refused.test(path)) {
            return false;
        }
        for (UriTemplate other : route.rivals()) {
            if (other.match(path, new HashMap<>())) {
                return false;
            }
        }
        long t0 = System.nanoTime();
        String id = RequestIds.acceptOrGenerate(request.getHeader(RequestIds.HEADER));
        MDC.put(RequestIds.MDC_KEY, id);
        recorder.started();
        boolean answered = false;
        try {
            byte[] body;
            try {
                Object entity = route.reader().readDirect(Caller.of(headers(request), verifier), parameters);
                ObjectMapper mapper = mappers.apply(entity.getClass());
                body = mapper.writeValueAsBytes(entity);
            } catch (Exception e) {
                // every refusal (and any failure) is Jersey's to answer, in the dialect's envelope
                LOG.trace("fast read handed to Jersey: {}", e.toString());
                return false;
            }
            response.setStatus(200);
            response.setHeader(RequestIds.HEADER, id);
            response.setContentType(route.type());
            response.setContentLength(body.length);
            try {
                response.getOutputStream().write(body);
            } catch (IOException e) {
                // the client is gone: as in Jersey, nothing more to do
                LOG.debug("fast read not written: {}", e.toString());
            }
            answered = true;
            served.increment();
            recorder.finished(route.dialect(), route.operation(), "GET", path, 200, System.nanoTime() - t0);
            return true;
        } finally {
            if (!answered) {
                recorder.handedOver();
            }
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private static String withoutTrailingSlash(String template) {
        return template.length() > 1 && template.endsWith("/")
                ? template.substring(0, template.length() - 1)
                : template;
    }

    /** No Content-Length, or 0 (Java 17's HttpClient sends it with every GET). */
    private static boolean noBody(String contentLength) {
        return contentLength == null || contentLength.equals("0");
    }

    /** No Accept, or one that lets Jersey answer JSON as it would without one. */
    private static boolean acceptsJson(Request request) {
        String accept = request.getHeader(Header.Accept);
        return accept == null || accept.equals(MediaType.WILDCARD) || accept.equals(MediaType.APPLICATION_JSON);
    }

    /** A path Jersey would route as it stands: no encoding, no dot segments, no empty segments, no trailing slash. */
    private static boolean plain(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/' || path.endsWith("/")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || c == '/';
            if (!ok) {
                return false;
            }
        }
        return !path.contains("//") && !path.contains("/.");
    }

    private static StringKeyIgnoreCaseMultivaluedMap<String> headers(Request request) {
        StringKeyIgnoreCaseMultivaluedMap<String> headers = new StringKeyIgnoreCaseMultivaluedMap<>();
        for (String name : request.getHeaderNames()) {
            for (String value : request.getHeaders(name)) {
                headers.add(name, value);
            }
        }
        return headers;
    }
}
