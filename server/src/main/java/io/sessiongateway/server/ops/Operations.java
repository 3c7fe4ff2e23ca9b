package io.sessiongateway.server.ops;

import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.generated.health.api.DocsApi;
import io.sessiongateway.generated.health.api.MetricsApi;
import io.sessiongateway.generated.health.api.OpenapiApi;
import io.sessiongateway.server.config.OpsSettings;
import io.sessiongateway.server.docs.ApiDocuments;
import io.sessiongateway.server.docs.DocsAdapter;
import io.sessiongateway.server.docs.DocumentSource;
import io.sessiongateway.server.docs.DocumentSources;
import io.sessiongateway.server.docs.OperationKey;
import io.sessiongateway.server.http.DialectRouter;
import io.sessiongateway.server.http.FastReads;
import io.sessiongateway.server.http.Mounted;
import io.sessiongateway.server.http.Mounts;
import jakarta.ws.rs.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;

/**
 * Health, metrics, API documents and the docs page, reserved paths, request ids and access logs, wired once per
 * server: {@link #mounted()} goes first in the list of mounted dialects, {@link #install} adds the metrics endpoint,
 * the documents (built from what is mounted), the reserved-path filter and the request observer to the Jersey
 * application.
 */
public final class Operations implements AutoCloseable {
    private final OpsSettings settings;
    private final Readiness readiness;
    private final GatewayMetrics metrics;
    private RequestObserver observer;
    private final ReservedPaths reserved;
    private final OpsDialect dialect;

    private Operations(OpsSettings settings, Readiness readiness, GatewayMetrics metrics) {
        this.settings = settings;
        this.readiness = readiness;
        this.metrics = metrics;
        this.reserved = new ReservedPaths(settings.metricsPath(), settings.metricsEnabled(), settings.docsEnabled());
        this.dialect = new OpsDialect(new HealthAdapter(readiness), reserved);
    }

    /**
     * Call after migrations: the schema version found now is the one readiness requires from then on.
     *
     * @param dataSource the store's pool; its meters are registered when metrics are on
     */
    public static Operations create(OpsSettings settings, DataSource dataSource) {
        Readiness readiness =
                new Readiness(dataSource, Readiness.currentSchemaVersion(dataSource), settings.readyTimeout());
        return new Operations(
                settings, readiness, settings.metricsEnabled() ? GatewayMetrics.create(dataSource) : null);
    }

    /** The paths the gateway keeps for itself. */
    public ReservedPaths reserved() {
        return reserved;
    }

    /** The operations pseudo-dialect, to be mounted first (unprefixed) so it owns {@code /health/**}. */
    public Mounted mounted() {
        return new Mounted("", dialect);
    }

    /**
     * Adds the metrics resource (when enabled), the API documents and the docs page (when enabled), the reserved-path
     * filter and the request observer.
     *
     * @param served every mounted dialect, this one first
     */
    public void install(ResourceConfig rc, List<Mounted> served) {
        Map<Class<?>, String> dialectOfApi = new HashMap<>();
        for (Mounted m : served) {
            if (m.dialect() != dialect) {
                reserved.checkMountable(m);
            }
            for (Binding binding : m.dialect().bindings()) {
                dialectOfApi.put(binding.api(), m.dialect().name());
            }
        }
        if (metrics != null) {
            try {
                Resource.Builder resource = Resource.builder(settings.metricsPath());
                resource.addMethod("GET")
                        .produces("text/plain")
                        .handledBy(new MetricsAdapter(metrics), MetricsApi.class.getMethod("getMetrics"));
                rc.registerResources(resource.build());
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("the generated MetricsApi changed", e);
            }
            dialectOfApi.put(MetricsApi.class, OpsDialect.NAME);
        }
        if (settings.docsEnabled()) {
            List<DocumentSource> sources = documentSources(served);
            DocsAdapter docs = new DocsAdapter(() -> ApiDocuments.build(sources));
            for (Binding binding : docs.bindings()) {
                rc.registerResources(Mounts.resources("", binding).toArray(new Resource[0]));
                dialectOfApi.put(binding.api(), OpsDialect.NAME);
            }
        }
        rc.register(reserved);
        observer = new RequestObserver(dialectOfApi, new DialectRouter(served), metrics);
        rc.register(observer);
    }

    /**
     * What a request served outside Jersey (the fast reads) reports, so that operators see it as Jersey's requests:
     * the same metrics and access log line. Available after {@link #install}.
     */
    public FastReads.Recorder recorder() {
        if (observer == null) {
            throw new IllegalStateException("install first");
        }
        return observer;
    }

    /** The served documents: each mounted dialect's, then the gateway's own endpoints' (as served). */
    private List<DocumentSource> documentSources(List<Mounted> served) {
        Set<OperationKey> own = new LinkedHashSet<>();
        for (Binding binding : dialect.bindings()) {
            own.addAll(OperationKey.of(binding));
        }
        if (metrics != null) {
            own.addAll(OperationKey.of(MetricsApi.class, "").stream()
                    .map(k -> OperationKey.of(k.method(), settings.metricsPath()))
                    .toList());
        }
        own.addAll(OperationKey.of(OpenapiApi.class, ""));
        own.addAll(OperationKey.of(DocsApi.class, ""));
        String documentedMetricsPath =
                MetricsApi.class.getAnnotation(Path.class).value();
        return DocumentSources.of(
                served.stream().filter(m -> m.dialect() != dialect).toList(),
                own,
                Map.of(documentedMetricsPath, settings.metricsPath()));
    }

    @Override
    public void close() {
        readiness.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
