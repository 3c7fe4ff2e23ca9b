package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Operability settings: graceful shutdown, readiness probe and Prometheus endpoint.
 *
 * @param shutdownGrace how long a stop waits for in-flight requests before closing their connections
 * @param readyTimeout the longest a readiness probe waits for the database
 * @param metricsEnabled whether the Prometheus endpoint is served (and requests are measured)
 * @param metricsPath where the Prometheus endpoint is served, e.g. {@code /metrics}
 */
public record OpsSettings(Duration shutdownGrace, Duration readyTimeout, boolean metricsEnabled, String metricsPath) {

    /** Reads the {@code gateway.http.shutdown-grace}, {@code gateway.health.*} and {@code gateway.metrics.*} keys. */
    static OpsSettings from(Config g) {
        Duration grace = g.getDuration("http.shutdown-grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("http.shutdown-grace must not be negative: " + grace);
        }
        Duration ready = g.getDuration("health.ready-timeout");
        if (ready.toMillis() < 100 || ready.toSeconds() > 60) {
            throw new IllegalArgumentException("health.ready-timeout must be between 100ms and 60s: " + ready);
        }
        String path = g.getString("metrics.path").strip();
        if (!path.matches("^(/[A-Za-z0-9._~-]+)+$") || path.equals("/health") || path.startsWith("/health/")) {
            throw new IllegalArgumentException("metrics.path must be like /metrics, outside /health: " + path);
        }
        return new OpsSettings(grace, ready, g.getBoolean("metrics.enabled"), path);
    }

    /** The defaults of {@code reference.conf}. */
    public static OpsSettings defaults() {
        return new OpsSettings(Duration.ofSeconds(10), Duration.ofSeconds(2), true, "/metrics");
    }
}
