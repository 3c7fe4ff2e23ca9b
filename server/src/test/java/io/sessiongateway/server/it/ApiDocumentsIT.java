package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.adapters.admin.AdminDialect;
import io.sessiongateway.adapters.runtime.RuntimeDialect;
import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.generated.health.api.DocsApi;
import io.sessiongateway.generated.health.api.HealthApi;
import io.sessiongateway.generated.health.api.MetricsApi;
import io.sessiongateway.generated.health.api.OpenapiApi;
import io.sessiongateway.server.Dialects;
import io.sessiongateway.server.docs.OperationKey;
import io.sessiongateway.server.testing.GatewayHarness;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /openapi} and {@code /openapi/{name}.yaml}: one document per enabled dialect (its documents in
 * {@code specs/} merged), admin and health, each parsed as users' tools parse it (swagger-parser) and listing exactly
 * the operations the gateway mounts, with {@code servers} pointing at the gateway; and the {@code /docs} page's files.
 */
class ApiDocumentsIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    private static final String GENERIC_DOC = "admin/admin.yaml";

    static final List<String> NAMES =
            List.of("truefoundry", "everruns", "agentcloud", "recoup", "admin", "runtime", "health");

    private static final Map<String, String> TITLES = Map.of(
            "truefoundry", "TrueFoundry Agent Harness",
            "everruns", "Everruns API",
            "agentcloud", "Agentcloud Webapp API Docs",
            "recoup", "Recoup API - Sessions",
            "admin", "Session Gateway Admin API",
            "runtime", "Session Gateway Runtime API",
            "health", "Session Gateway operations endpoints");

    /** The served document's {@code info.title}. */
    static String title(String name) {
        return TITLES.get(name);
    }

    @Test
    void theIndexListsEveryServedDocument() {
        Response r = GATEWAY.given().get("/openapi");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("application/json", r.contentType());
        assertEquals("no-cache", r.header("Cache-Control"));
        List<Map<String, String>> expected = new ArrayList<>();
        for (String name : NAMES) {
            expected.add(Map.of("name", name, "title", title(name), "url", "/openapi/" + name + ".yaml"));
        }
        assertEquals(Map.of("documents", expected), r.jsonPath().getMap(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"truefoundry", "everruns", "agentcloud", "recoup", "admin", "runtime", "health"})
    void eachDocumentParsesAndListsExactlyTheMountedOperations(String name) {
        Response r = GATEWAY.given().get("/openapi/" + name + ".yaml");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("application/yaml", r.contentType());
        assertEquals("no-cache", r.header("Cache-Control"));
        assertNotNull(r.header("ETag"));

        OpenAPI api = parse(r.asString());
        String server = api.getServers().get(0).getUrl();
        assertEquals(name.equals("truefoundry") ? "/{tenantName}" : "/", server);
        assertEquals(expectedOperations(name, true), operations(api, server.equals("/") ? "" : server));
    }

    @Test
    void anUnchangedDocumentIs304() {
        Response first = GATEWAY.given().get("/openapi/everruns.yaml");
        String etag = first.header("ETag");
        Response again = GATEWAY.given().header("If-None-Match", etag).get("/openapi/everruns.yaml");
        assertEquals(304, again.statusCode(), again.asString());
        assertEquals(etag, again.header("ETag"));
        assertEquals("", again.asString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/openapi/nope.yaml",
                "/openapi/everruns.json",
                "/openapi/x",
                "/openapi/sessions.json",
                "/docs/nope.js",
                "/docs/sessions.json",
                "/docs/session/0123456789abcdef01234567.json",
                "/docs/v1/agents/sessions"
            })
    void otherPathsUnderOpenapiAndDocsAreTheGatewaysOwn404(String path) {
        Response r = GATEWAY.givenOnly(GENERIC_DOC, "AdminError").get(path);
        assertEquals(404, r.statusCode(), r.asString());
        assertEquals(notFound(), r.jsonPath().getMap(""));
    }

    @Test
    void theDocsPageListsEveryDocumentAndLoadsSwaggerUiFromTheGateway() {
        Response page = GATEWAY.given().accept("text/html").get("/docs");
        assertEquals(200, page.statusCode(), page.asString());
        assertEquals("text/html;charset=utf-8", page.contentType().replace(" ", ""));
        String html = page.asString();
        for (String name : NAMES) {
            assertTrue(html.contains("{\"url\":\"/openapi/" + name + ".yaml\",\"name\":\"" + name + "\"}"), html);
        }
        assertTrue(html.contains("validatorUrl: null"), html);
        assertTrue(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from elsewhere");

        Map<String, String> assets = Map.of(
                "swagger-ui-bundle.js", "text/javascript",
                "swagger-ui-standalone-preset.js", "text/javascript",
                "swagger-ui.css", "text/css",
                "index.css", "text/css",
                "favicon-32x32.png", "image/png");
        assets.forEach((file, type) -> {
            Response r = GATEWAY.given().get("/docs/" + file);
            assertEquals(200, r.statusCode(), file);
            assertEquals(type, r.contentType(), file);
            assertEquals("max-age=86400, public", r.header("Cache-Control"), file);
            assertTrue(r.asByteArray().length > 100, file);
        });
    }

    /** The gateway's 404 for a path it does not serve. */
    static Map<String, Object> notFound() {
        Map<String, Object> error = new HashMap<>();
        error.put("code", "route_not_found");
        error.put("message", "no such route");
        error.put("reference", null);
        return Map.of("error", error);
    }

    static OpenAPI parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertEquals(List.of(), result.getMessages(), "swagger-parser's messages");
        assertNotNull(result.getOpenAPI());
        return result.getOpenAPI();
    }

    /** {@code GET /{}/v1/agents/sessions}, … : each operation of the document, below its server's path. */
    static Set<String> operations(OpenAPI api, String serverPath) {
        Set<String> ops = new TreeSet<>();
        api.getPaths()
                .forEach((path, item) -> item.readOperationsMap()
                        .keySet()
                        .forEach(method -> ops.add(OperationKey.of(method.name(), serverPath + path)
                                .toString())));
        return ops;
    }

    /**
     * What the gateway mounts, from the registered dialects' generated interfaces (prefix aside).
     *
     * @param metrics whether metrics are served (at their documented path)
     */
    static Set<String> expectedOperations(String name, boolean metrics) {
        List<Binding> bindings = new ArrayList<>();
        if (name.equals("health")) {
            Set<String> own = new TreeSet<>();
            for (Class<?> api : List.of(HealthApi.class, OpenapiApi.class, DocsApi.class)) {
                OperationKey.of(api, "").forEach(k -> own.add(k.toString()));
            }
            if (metrics) {
                OperationKey.of(MetricsApi.class, "").forEach(k -> own.add(k.toString()));
            }
            return own;
        }
        List<Dialect> dialects =
                new ArrayList<>(Dialects.withRuntime(Dialects.vendors(null, null, null), new RuntimeDialect(null)));
        dialects.add(new AdminDialect(null, null, null, null, Set.of(), List.of(), null));
        Dialect named = null;
        for (Dialect d : dialects) {
            if (d.name().equals(name)) {
                named = d;
                bindings.addAll(d.bindings());
            }
        }
        assertTrue(!bindings.isEmpty(), name);
        Dialect dialect = named;
        Set<String> ops = new TreeSet<>();
        // the gateway under test runs without gateway.testing.enabled: the admin document leaves the testing out
        bindings.forEach(b -> OperationKey.of(b).stream()
                .filter(k -> dialect.serves(k.method(), k.path()))
                .forEach(k -> ops.add(k.toString())));
        return ops;
    }
}
