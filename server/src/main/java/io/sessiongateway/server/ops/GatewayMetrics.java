package io.sessiongateway.server.ops;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The gateway's meter registry (one per server, never Micrometer's global one, so that several servers in one JVM
 * keep separate counts): HTTP requests by dialect, operation, method and status with latency buckets, requests in
 * flight, the connection pool and the JVM.
 */
public final class GatewayMetrics implements AutoCloseable {
    /** Timer name; Prometheus series {@code gateway_http_requests_seconds_{bucket,count,sum,max}}. */
    public static final String REQUESTS = "gateway.http.requests";
    /** Gauge name; Prometheus series {@code gateway_http_requests_active}. */
    public static final String ACTIVE = "gateway.http.requests.active";

    /** Latency histogram bucket bounds: fixed, so that every series has the same few buckets. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger active = new AtomicInteger();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder(ACTIVE, active, AtomicInteger::get)
                .description("HTTP requests being served")
                .register(registry);
    }

    /**
     * A registry with the JVM meters, and the pool's meters when the data source is HikariCP's
     * ({@code hikaricp_connections_active}, {@code _idle}, {@code _pending}, {@code _max}, ... with {@code pool}).
     */
    public static GatewayMetrics create(DataSource dataSource) {
        GatewayMetrics metrics = new GatewayMetrics();
        if (dataSource instanceof HikariDataSource hikari) {
            // HikariDataSource accepts a tracker factory once after the pool started.
            hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics.registry));
        }
        return metrics;
    }

    /** Counts a request as in flight; pair with {@link #finished}. */
    void started() {
        active.incrementAndGet();
    }

    /** Forgets a request counted by {@link #started} that is counted again by whoever serves it. */
    void handedOver() {
        active.decrementAndGet();
    }

    /** Records a finished request. Every label value must come from a bounded set. */
    void finished(String dialect, String operation, String method, int status, long nanos) {
        active.decrementAndGet();
        timers.computeIfAbsent(new TimerKey(dialect, operation, method, status), this::timer)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The timers by their labels: registering through the builder on every request (which looks the meter up again
     * after building its id and histogram configuration) was a few percent of a GET's CPU time.
     */
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private record TimerKey(String dialect, String operation, String method, int status) {}

    private Timer timer(TimerKey k) {
        return Timer.builder(REQUESTS)
                .description("HTTP requests by dialect, operation (generated method name), method and status")
                .tag("dialect", k.dialect())
                .tag("operation", k.operation())
                .tag("method", k.method())
                .tag("status", Integer.toString(k.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
