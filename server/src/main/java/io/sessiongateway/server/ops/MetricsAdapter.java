package io.sessiongateway.server.ops;

import io.sessiongateway.generated.health.api.MetricsApi;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/** {@code GET /metrics} of {@code specs/admin/health.yaml}, served at the configured path. */
final class MetricsAdapter implements MetricsApi {
    /** What Prometheus expects for the text format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;

    MetricsAdapter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response getMetrics() {
        return Response.ok(metrics.scrape(), CONTENT_TYPE)
                .cacheControl(CacheControl.valueOf("no-store"))
                .build();
    }
}
