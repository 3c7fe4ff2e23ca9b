package io.sessiongateway.server.docs;

import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.health.api.DocsApi;
import io.sessiongateway.generated.health.api.OpenapiApi;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /openapi}, {@code /openapi/{name}.yaml}, {@code /docs} and {@code /docs/{asset}} of
 * {@code specs/admin/health.yaml}: the served documents, and Swagger UI over them from its webjar (no CDN; the
 * online validator badge is off, so the page makes no request beyond this gateway).
 */
public final class DocsAdapter implements OpenapiApi, DocsApi {
    private static final Logger LOG = LoggerFactory.getLogger(DocsAdapter.class);
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** The webjar's files the page uses, with their media types: nothing else under /docs exists. */
    public static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css",
            "index.css", "text/css",
            "swagger-ui-bundle.js", "text/javascript",
            "swagger-ui-standalone-preset.js", "text/javascript",
            "favicon-16x16.png", "image/png",
            "favicon-32x32.png", "image/png");

    /** Documents may change with the next build or configuration: revalidate (cheap, with the ETag). */
    private static final CacheControl REVALIDATE = CacheControl.valueOf("no-cache");
    /** Swagger UI's files change only with its version, which is in no URL: a day. */
    private static final CacheControl ASSET_CACHE = CacheControl.valueOf("public, max-age=86400");

    private final Supplier<ApiDocuments> source;
    private final AtomicBoolean building = new AtomicBoolean();
    private final CompletableFuture<Built> built = new CompletableFuture<>();
    private final String webjarRoot;
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

    /** The documents and the page that lists them, built together. */
    private record Built(ApiDocuments documents, byte[] page) {}

    /**
     * Builds nothing yet: reading and merging the documents was about a third of a start's work on the main thread
     * (YAML parsed and written by cold code, bench/results/profile-2026-12-05.md), and only the docs paths need
     * them. The first request to one builds them (in about a second on a cold JVM); requests meanwhile wait for it.
     */
    public DocsAdapter(Supplier<ApiDocuments> documents) {
        this.source = documents;
        this.webjarRoot = WEBJAR + swaggerUiVersion() + "/";
    }

    /**
     * Builds the documents on the calling thread unless that is done or under way; a failure (documents that cannot
     * be merged: a defect of the build, not of the configuration) is logged and answers 500 on the docs paths.
     */
    private void build() {
        if (building.compareAndSet(false, true)) {
            try {
                ApiDocuments documents = source.get();
                built.complete(new Built(documents, page(documents).getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                LOG.error("the API documents cannot be built; /openapi and /docs answer 500", e);
                built.completeExceptionally(e);
            }
        }
    }

    private Built built() {
        build();
        try {
            return built.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the API documents cannot be built", e.getCause());
        }
    }

    /** This adapter's two interfaces, mounted at the root. */
    public List<Binding> bindings() {
        return List.of(new Binding(OpenapiApi.class, this, ""), new Binding(DocsApi.class, this, ""));
    }

    @Override
    public Response listApiDocuments() {
        return Response.ok(built().documents().indexJson(), MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(REVALIDATE)
                .build();
    }

    @Override
    public Response getApiDocument(String name, String ifNoneMatch) {
        ApiDocuments.Served doc = built().documents()
                .get(name)
                .orElseThrow(() -> GatewayException.notFound("route_not_found", "no such route"));
        EntityTag tag = EntityTag.valueOf(doc.etag());
        if (ifNoneMatch != null && matches(ifNoneMatch, doc.etag())) {
            return Response.notModified(tag).cacheControl(REVALIDATE).build();
        }
        return Response.ok(doc.yaml(), "application/yaml")
                .tag(tag)
                .cacheControl(REVALIDATE)
                .build();
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Response getDocsPage() {
        return Response.ok(built().page(), "text/html; charset=utf-8")
                .cacheControl(REVALIDATE)
                .build();
    }

    @Override
    public Response getDocsAsset(String asset) {
        String type = ASSETS.get(asset);
        if (type == null) {
            throw GatewayException.notFound("route_not_found", "no such route");
        }
        byte[] bytes = assets.computeIfAbsent(asset, this::readAsset);
        return Response.ok(bytes, type).cacheControl(ASSET_CACHE).build();
    }

    private byte[] readAsset(String asset) {
        try (InputStream in = DocsAdapter.class.getClassLoader().getResourceAsStream(webjarRoot + asset)) {
            if (in == null) {
                throw new IllegalStateException(webjarRoot + asset + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The webjar's version, which names its folder. */
    private static String swaggerUiVersion() {
        try (InputStream in = DocsAdapter.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String page(ApiDocuments documents) {
        String primary = documents.all().isEmpty() ? "" : documents.all().get(0).name();
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="UTF-8">
                  <title>Session Gateway: API documents</title>
                  <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
                  <link rel="stylesheet" type="text/css" href="/docs/index.css">
                  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
                  <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
                  <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
                  <script>
                    window.onload = function () {
                      window.ui = SwaggerUIBundle({
                        urls: %s,
                        "urls.primaryName": "%s",
                        dom_id: "#swagger-ui",
                        deepLinking: true,
                        validatorUrl: null,
                        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                        layout: "StandaloneLayout"
                      });
                    };
                  </script>
                </body>
                </html>
                """.formatted(documents.swaggerUrls(), primary);
    }
}
