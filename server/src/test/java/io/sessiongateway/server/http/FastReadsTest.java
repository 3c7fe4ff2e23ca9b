package io.sessiongateway.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.DirectRead;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast reads in front of a small Jersey application: a read its {@link DirectRead} answers is served without
 * Jersey; a request it refuses, or does not claim, reaches Jersey with its method, path, query, headers and body
 * intact (the resource echoes them), and is counted once by the recorder.
 */
class FastReadsTest {
    /** A generated-style interface: one GET of a thing, and a POST on the same path. */
    @Path("/things")
    public interface ThingsApi {
        @GET
        @Path("/{thing_id}")
        @Produces({"application/json"})
        Response getThing(@PathParam("thing_id") String thingId);

        @POST
        @Path("/{thing_id}")
        @Produces({"application/json"})
        Response postThing(@PathParam("thing_id") String thingId, String body);
    }

    /** Serves {@code ok-*} things fast; Jersey's method echoes what it received. */
    public static final class Things implements ThingsApi, DirectRead {
        @Context
        private Provider<ContainerRequestContext> request;

        @Override
        public Response getThing(String thingId) {
            return Response.ok(echo(thingId, null)).build();
        }

        @Override
        public Response postThing(String thingId, String body) {
            return Response.ok(echo(thingId, body)).build();
        }

        private Map<String, Object> echo(String id, String body) {
            ContainerRequestContext r = request.get();
            return Map.of(
                    "via", "jersey",
                    "method", r.getMethod(),
                    "id", id,
                    "query", String.valueOf(r.getUriInfo().getRequestUri().getRawQuery()),
                    "probe", r.getHeaders().getOrDefault("X-Probe", List.of()),
                    "body", String.valueOf(body));
        }

        @Override
        public String directOperation() {
            return "getThing";
        }

        @Override
        public Object readDirect(Caller caller, Map<String, String> pathParameters) {
            String id = pathParameters.get("thing_id");
            if (!id.startsWith("ok-") || !caller.headers("X-Probe").equals(List.of("yes"))) {
                throw GatewayException.notFound("thing_not_found", "no such thing");
            }
            return Map.of("via", "fast", "id", id);
        }
    }

    static final class ThingsDialect extends BaseDialect {
        ThingsDialect() {
            super("things", "/things.*", new Things(), "", ThingsApi.class);
        }

        @Override
        public Response render(GatewayException error, String reference) {
            return json(status(error.kind()), Map.of("error", error.getMessage()));
        }
    }

    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger HANDED_OVER = new AtomicInteger();
    static final AtomicInteger FINISHED = new AtomicInteger();
    static HttpServer server;
    static FastReads fast;
    static String base;
    static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        List<Mounted> mounted = List.of(new Mounted("/pre", new ThingsDialect()));
        ResourceConfig rc = new ResourceConfig();
        for (var binding : mounted.get(0).dialect().bindings()) {
            rc.registerResources(Mounts.resources("/pre", binding).toArray(new Resource[0]));
        }
        rc.register(JacksonFeature.withoutExceptionMappers());
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), rc, false);
        server.getServerConfiguration().setAllowPayloadForUndefinedHttpMethods(true); // as the gateway
        ObjectMapper mapper = Json.mapper(JsonInclude.Include.ALWAYS);
        fast = FastReads.install(
                server, rc, type -> mapper, mounted, path -> false, new NoCredentials(), new FastReads.Recorder() {
                    @Override
                    public void started() {
                        STARTED.incrementAndGet();
                    }

                    @Override
                    public void handedOver() {
                        HANDED_OVER.incrementAndGet();
                    }

                    @Override
                    public void finished(
                            String dialect, String operation, String method, String rawPath, int status, long n) {
                        assertEquals(
                                "things getThing GET 200", dialect + " " + operation + " " + method + " " + status);
                        FINISHED.incrementAndGet();
                    }
                });
        server.start();
        base = "http://127.0.0.1:" + server.getListeners().iterator().next().getPort();
    }

    @AfterAll
    static void stop() {
        server.shutdownNow();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadTheAdapterAnswersIsServedFast() {
        long before = fast.served();
        int started = STARTED.get();
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-1"))
                .header("X-Probe", "yes")
                .header("X-Request-Id", "req-1"));
        assertEquals(200, r.statusCode(), r.body() + " " + r.headers().map());
        assertEquals("{\"via\":\"fast\",\"id\":\"ok-1\"}".length(), r.body().length(), r.body());
        assertEquals(Map.of("via", "fast", "id", "ok-1"), parse(r.body()));
        assertEquals(List.of("application/json"), r.headers().allValues("Content-Type"));
        assertEquals(List.of("req-1"), r.headers().allValues("X-Request-Id"));
        assertEquals(before + 1, fast.served());
        assertEquals(started + 1, STARTED.get());
    }

    @Test
    void aRefusedReadReachesJerseyIntact() {
        long before = fast.served();
        int handedOver = HANDED_OVER.get();
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(URI.create(base + "/pre/things/nope")).header("X-Probe", "yes"));
        assertEquals(200, r.statusCode());
        assertEquals(
                Map.of(
                        "via", "jersey",
                        "method", "GET",
                        "id", "nope",
                        "query", "null",
                        "probe", List.of("yes"),
                        "body", "null"),
                parse(r.body()));
        assertEquals(before, fast.served());
        assertEquals(handedOver + 1, HANDED_OVER.get());
    }

    @Test
    void unclaimedRequestsReachJerseyIntact() {
        long before = fast.served();
        int started = STARTED.get();
        // a query string
        HttpResponse<String> q = send(HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-2?a=1&b"))
                .header("X-Probe", "yes"));
        assertEquals("jersey", parse(q.body()).get("via"));
        assertEquals("a=1&b", parse(q.body()).get("query"));
        // another method, with a body
        HttpResponse<String> p = send(HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-3"))
                .header("X-Probe", "yes")
                .POST(HttpRequest.BodyPublishers.ofString("the body, whole")));
        assertEquals(
                Map.of(
                        "via", "jersey",
                        "method", "POST",
                        "id", "ok-3",
                        "query", "null",
                        "probe", List.of("yes"),
                        "body", "the body, whole"),
                parse(p.body()));
        // a GET with a body
        HttpResponse<String> g = send(HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-4"))
                .header("X-Probe", "yes")
                .method("GET", HttpRequest.BodyPublishers.ofString("x")));
        assertEquals("jersey", parse(g.body()).get("via"));
        // another media type, an encoded path, the path without its prefix
        HttpResponse<String> a = send(HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-5"))
                .header("X-Probe", "yes")
                .header("Accept", "application/json;q=0.5"));
        assertEquals("jersey", parse(a.body()).get("via"));
        HttpResponse<String> e = send(
                HttpRequest.newBuilder(URI.create(base + "/pre/things/ok-%36")).header("X-Probe", "yes"));
        assertEquals("jersey", parse(e.body()).get("via"));
        assertEquals("ok-6", parse(e.body()).get("id"));
        assertEquals(
                404,
                send(HttpRequest.newBuilder(URI.create(base + "/things/ok-7")).header("X-Probe", "yes"))
                        .statusCode());
        assertEquals(before, fast.served());
        assertEquals(started, STARTED.get());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        try {
            return new ObjectMapper().readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No credentials are ever verified here. */
    static final class NoCredentials implements Caller.Verifier {
        @Override
        public Principal jwt(String token) {
            throw GatewayException.unauthenticated("no");
        }

        @Override
        public Principal apiKey(String form, String key) {
            throw GatewayException.unauthenticated("no");
        }

        @Override
        public boolean isApiKey(String credential) {
            return false;
        }
    }

    @Test
    void aClaimedRouteIsCheckedOnlyAgainstTheRoutesThatCanMatchItsPaths() {
        String claimed = "/{tenant}/v1/agents/sessions/{id}";
        // same length, literals agree or a variable stands opposite: some path matches both
        assertEquals(true, FastReads.mayOverlap(claimed, "/{tenant}/v1/agents/sessions/stats"));
        assertEquals(true, FastReads.mayOverlap(claimed, "/admin/v1/agents/{x}/{y}"));
        assertEquals(true, FastReads.mayOverlap(claimed, "/{tenant}/v1/agents/sessions/{id}:cancel"));
        // a variable with its own expression may span segments: always checked
        assertEquals(true, FastReads.mayOverlap(claimed, "/files/{path: .*}"));
        // another number of segments, or a literal that differs: no path matches both
        assertEquals(false, FastReads.mayOverlap(claimed, "/{tenant}/v1/agents/sessions"));
        assertEquals(false, FastReads.mayOverlap(claimed, "/{tenant}/v1/agents/sessions/{id}/turns"));
        assertEquals(false, FastReads.mayOverlap(claimed, "/{tenant}/v2/agents/sessions/{id}"));
        assertEquals(false, FastReads.mayOverlap(claimed, "/{tenant}/v1/agents/sessions/"));
        assertEquals(false, FastReads.mayOverlap("/v1/sessions/{id}", "/{tenant}/v1/agents/sessions/{id}/"));
    }
}
