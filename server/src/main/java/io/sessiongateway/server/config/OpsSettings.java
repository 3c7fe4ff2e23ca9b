package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The gateway's own endpoints: the readiness probe and the Prometheus endpoint.
 *
 * @param readyTimeout {@code gateway.health.ready-timeout}: the longest a readiness probe waits for the database
 * @param metricsEnabled {@code gateway.metrics.enabled}: whether the Prometheus endpoint is served (and requests are
 *     measured)
 * @param metricsPath {@code gateway.metrics.path}: where the Prometheus endpoint is served, e.g. {@code /metrics}
 * @param docsEnabled {@code gateway.docs.enabled}: whether the API documents ({@code /openapi/**}) and the docs page
 *     ({@code /docs}) are served
 */
public record OpsSettings(Duration readyTimeout, boolean metricsEnabled, String metricsPath, boolean docsEnabled) {

    /** Reads {@code gateway.health.*}, {@code gateway.metrics.*} and {@code gateway.docs.*}. */
    static OpsSettings from(Config g) {
        Duration ready = g.getDuration("health.ready-timeout");
        if (ready.toMillis() < 100 || ready.toSeconds() > 60) {
            throw new IllegalArgumentException("health.ready-timeout must be between 100ms and 60s: " + ready);
        }
        String path = g.getString("metrics.path").strip();
        if (!path.matches("^(/[A-Za-z0-9._~-]+)+$") || path.equals("/health") || path.startsWith("/health/")) {
            throw new IllegalArgumentException("metrics.path must be like /metrics, outside /health: " + path);
        }
        return new OpsSettings(ready, g.getBoolean("metrics.enabled"), path, g.getBoolean("docs.enabled"));
    }
}
