package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Operability settings: graceful shutdown, readiness probe and Prometheus endpoint.
 *
 * @param shutdownGrace how long a stop waits for in-flight requests before closing their connections
 * @param readyTimeout the longest a readiness probe waits for the database
 * @param metricsEnabled whether the Prometheus endpoint is served (and requests are measured)
 * @param metricsPath where the Prometheus endpoint is served, e.g. {@code /metrics}
 * @param dbStartupTimeout how long start-up waits for an unreachable database before giving up (zero: not at all)
 * @param workerThreads HTTP worker threads; 0 = {@link #workerThreads(int, int)}'s default
 */
public record OpsSettings(Duration shutdownGrace, Duration readyTimeout, boolean metricsEnabled, String metricsPath,
        Duration dbStartupTimeout, int workerThreads) {

    /**
     * Reads the {@code gateway.http.shutdown-grace}, {@code gateway.health.*}, {@code gateway.metrics.*} and
     * {@code gateway.db.startup-timeout} keys.
     */
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
        Duration startup = g.getDuration("db.startup-timeout");
        if (startup.isNegative()) {
            throw new IllegalArgumentException("db.startup-timeout must not be negative: " + startup);
        }
        int workers = g.getInt("http.worker-threads");
        if (workers < 0 || workers > 1024) {
            throw new IllegalArgumentException("http.worker-threads must be between 0 (auto) and 1024: " + workers);
        }
        return new OpsSettings(grace, ready, g.getBoolean("metrics.enabled"), path, startup, workers);
    }

    /**
     * First path segments the gateway serves itself, which no tenant may be named after: TrueFoundry's paths start
     * with the tenant ({@code /{tenant}/v1/agents/sessions}), and {@code /health/**} and {@code /metrics/**} never
     * reach a dialect. {@code metrics} stays reserved when the metrics path moves (or metrics are off), so that a
     * tenant created today is not lost by a configuration change tomorrow; a one-segment metrics path elsewhere
     * ({@code /prometheus}) is reserved too.
     */
    public Set<String> reservedSegments() {
        Set<String> reserved = new TreeSet<>(Set.of("health", "metrics"));
        if (metricsPath.lastIndexOf('/') == 0) {
            reserved.add(metricsPath.substring(1));
        }
        return Collections.unmodifiableSet(reserved);
    }

    /** The defaults of {@code reference.conf}. */
    public static OpsSettings defaults() {
        return new OpsSettings(Duration.ofSeconds(10), Duration.ofSeconds(2), true, "/metrics", Duration.ofSeconds(30),
                0);
    }

    /**
     * The HTTP worker threads to run: the configured number, else Grizzly's own default of two per core. More
     * threads cost throughput on a CPU-bound path (GET on H2, 2 cores, 32 connections: 4 threads 15-18k req/s,
     * 6 13.6k, 10 9-11k, 14 7-10k, measured in one sitting); an unreachable database does not hold them for long,
     * since requests then fail fast (see the store's FailFastDataSource).
     */
    public int workerThreads(int cores) {
        return workerThreads > 0 ? workerThreads : 2 * cores;
    }
}
