package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} after a short load through all four dialects: per-dialect request counts by operation and
 * status, latency histograms with fixed buckets, the connection pool and the JVM, in the Prometheus text format
 * (validated as the health document's text/plain response). Label values are bounded: no raw path or id appears.
 */
class MetricsIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static final String REQUESTS = "gateway_http_requests_seconds";
    /** 11 bounds from 5 ms to 10 s, plus +Inf. */
    private static final int BUCKETS = 12;

    static String tenant;
    static String team;
    static String agentEverruns;
    static String agentObjectId;
    static String token;
    static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void load() {
        tenant = GatewayHarness.uniqueTenant();
        Provisioning.Agent agent = GATEWAY.provisioning().agent(tenant, "metered", List.of(), false);
        team = agent.team();
        agentEverruns = agent.everrunsId();
        agentObjectId = agent.agentcloudId();
        token = "Bearer " + fullToken(tenant, "alice", UUID.randomUUID(), List.of(team));

        // TrueFoundry: 2 creates, 1 read, 1 unknown session
        for (int i = 0; i < 2; i++) {
            ids.add(expect(201, CLIENTS.trueFoundry().as(token).create(tenant, Map.of("agent_name", "metered")))
                    .jsonPath()
                    .getString("data.id"));
        }
        expect(200, CLIENTS.trueFoundry().as(token).get(tenant, ids.get(0)));
        expect(404, CLIENTS.trueFoundry().as(token).get(tenant, "no-such-session"));
        // Everruns: 1 create, 3 reads, 1 malformed id
        String everruns = expect(
                        201, CLIENTS.everruns().as(token).create(Map.of("agent_id", agentEverruns, "title", "m")))
                .jsonPath()
                .getString("id");
        ids.add(everruns);
        for (int i = 0; i < 3; i++) {
            expect(200, CLIENTS.everruns().as(token).get(everruns));
        }
        expect(400, CLIENTS.everruns().as(token).get("not-an-id"));
        // Agentcloud: 1 create, 2 reads
        String redirect = expect(200, CLIENTS.agentcloud().as(token).create(team, Map.of("id", agentObjectId)))
                .jsonPath()
                .getString("redirect");
        String objectId = redirect.substring(redirect.lastIndexOf('/') + 1);
        ids.add(objectId);
        for (int i = 0; i < 2; i++) {
            expect(200, CLIENTS.agentcloud().as(token).get(team, objectId));
        }
        // Recoup: 1 create, 1 read, 1 without credentials
        String recoup = expect(200, CLIENTS.recoup().as(token).create(Map.of("title", "m")))
                .jsonPath()
                .getString("session.id");
        ids.add(recoup);
        expect(200, CLIENTS.recoup().as(token).get(recoup));
        expect(401, CLIENTS.recoup().get(recoup));
        // No operation matched: claimed by Everruns' prefix, and claimed by no dialect
        expect(
                404,
                GATEWAY.givenUndocumented("everruns/get-session.yaml", "ErrorResponse")
                        .get("/v1/nope/" + UUID.randomUUID()));
        expect(404, GATEWAY.givenUndocumented("admin/admin.yaml", "AdminError").get("/nowhere/" + UUID.randomUUID()));
    }

    static Response expect(int status, Response r) {
        assertEquals(status, r.statusCode(), r.asString());
        return r;
    }

    @Test
    void requestsAreCountedByDialectOperationAndStatusWithLatencyHistograms() {
        Response r = CLIENTS.admin().metrics();
        assertEquals(200, r.statusCode());
        assertPrometheusText(r.contentType());
        Exposition metrics = new Exposition(r.asString());

        assertTrue(r.asString().contains("# TYPE " + REQUESTS + " histogram"), "a histogram");
        assertRequests(metrics, "truefoundry", "v1AgentsSessionsPost", "POST", 201, 2);
        assertRequests(metrics, "truefoundry", "v1AgentsSessionsSessionIdGet", "GET", 200, 1);
        assertRequests(metrics, "truefoundry", "v1AgentsSessionsSessionIdGet", "GET", 404, 1);
        assertRequests(metrics, "everruns", "createSession", "POST", 201, 1);
        assertRequests(metrics, "everruns", "getSession", "GET", 200, 3);
        assertRequests(metrics, "everruns", "getSession", "GET", 400, 1);
        assertRequests(metrics, "agentcloud", "addSession", "POST", 200, 1);
        assertRequests(metrics, "agentcloud", "sessionJson", "GET", 200, 2);
        assertRequests(metrics, "recoup", "createSession", "POST", 200, 1);
        assertRequests(metrics, "recoup", "apiSessionsSessionIdGet", "GET", 200, 1);
        assertRequests(metrics, "recoup", "apiSessionsSessionIdGet", "GET", 401, 1);
        assertRequests(metrics, "admin", "createAgent", "POST", 201, 1);
        assertRequests(metrics, "everruns", "unmatched", "GET", 404, 1);
        assertRequests(metrics, "none", "unmatched", "GET", 404, 1);

        // No unbounded label values: ids and raw paths never become series.
        for (String id : ids) {
            assertFalse(r.asString().contains(id), "an id in a label: " + id);
        }
        assertFalse(r.asString().contains(tenant), "a tenant in a label");
        assertFalse(r.asString().contains("/v1/"), "a raw path in a label");
    }

    @Test
    void poolAndJvmAreExposed() {
        Exposition metrics = new Exposition(CLIENTS.admin().metrics().asString());
        Map<String, String> pool = Map.of("pool", "gateway-db");
        assertEquals(10.0, metrics.value("hikaricp_connections_max", pool));
        for (String gauge : List.of("active", "idle", "pending", "min")) {
            double v = metrics.value("hikaricp_connections_" + gauge, pool);
            assertTrue(v >= 0 && v <= 10, gauge + " = " + v);
        }
        assertTrue(metrics.value("hikaricp_connections_acquire_seconds_count", pool) > 0, "connections were acquired");
        assertTrue(metrics.sum("jvm_memory_used_bytes", Map.of("area", "heap")) > 0, "heap in use");
        assertTrue(metrics.sum("jvm_threads_live_threads", Map.of()) > 0, "live threads");
        assertTrue(metrics.sum("process_uptime_seconds", Map.of()) > 0, "uptime");
        assertTrue(metrics.sum("jvm_gc_memory_allocated_bytes_total", Map.of()) >= 0, "gc meters bound");
        // The scrape itself is in flight while the gauge is read.
        assertTrue(metrics.value("gateway_http_requests_active", Map.of()) >= 1.0);
    }

    @Test
    void metricsCanBeDisabled() {
        withGateway(Map.of("GATEWAY_METRICS_ENABLED", "false"), g -> {
            Response r = g.givenUndocumented("admin/admin.yaml", "AdminError").get("/metrics");
            assertEquals(404, r.statusCode(), r.asString());
            assertEquals("route_not_found", r.jsonPath().getString("error.code"));
            assertEquals(200, g.clients().admin().readiness().statusCode());
        });
    }

    @Test
    void metricsCanMove() {
        withGateway(Map.of("GATEWAY_METRICS_PATH", "/internal/prometheus"), g -> {
            Response old = g.givenUndocumented("admin/admin.yaml", "AdminError").get("/metrics");
            assertEquals(404, old.statusCode(), old.asString());
            assertEquals(200, g.clients().admin().liveness().statusCode());
            // No document declares the moved path: its text body is checked here instead of by the validator.
            // A request's timer is recorded when Jersey finishes it, just after its answer is written: scrape again
            // (5 s at most) until the liveness call is counted.
            Response moved = RestAssured.given().baseUri(g.baseUri()).get("/internal/prometheus");
            for (long end = System.nanoTime() + 5_000_000_000L;
                    !moved.asString().contains("operation=\"getLiveness\"") && System.nanoTime() < end; ) {
                moved = RestAssured.given().baseUri(g.baseUri()).get("/internal/prometheus");
            }
            assertEquals(200, moved.statusCode());
            assertPrometheusText(moved.contentType());
            Exposition metrics = new Exposition(moved.asString());
            assertEquals(
                    1.0,
                    metrics.value(
                            REQUESTS + "_count",
                            Map.of("dialect", "ops", "operation", "getLiveness", "method", "GET", "status", "200")));
            Response below =
                    g.givenUndocumented("admin/admin.yaml", "AdminError").get("/internal/prometheus/x");
            assertEquals(404, below.statusCode(), below.asString());
        });
    }

    /** text/plain, version 0.0.4, UTF-8, in whatever order the parameters come. */
    static void assertPrometheusText(String contentType) {
        List<String> parts = Arrays.stream(contentType.split(";"))
                .map(String::strip)
                .map(p -> p.toLowerCase(Locale.ROOT))
                .sorted()
                .toList();
        assertEquals(List.of("charset=utf-8", "text/plain", "version=0.0.4"), parts, contentType);
    }

    private static void withGateway(Map<String, String> env, Consumer<GatewayHarness> test) {
        try (GatewayHarness g = new GatewayHarness(env)) {
            g.open();
            test.accept(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertRequests(
            Exposition metrics, String dialect, String operation, String method, int status, int count) {
        Map<String, String> labels = Map.of(
                "dialect", dialect, "operation", operation, "method", method, "status", Integer.toString(status));
        assertEquals(count, metrics.value(REQUESTS + "_count", labels), REQUESTS + "_count" + labels);
        assertTrue(metrics.value(REQUESTS + "_sum", labels) > 0, "latency recorded for " + labels);
        List<Map.Entry<Map<String, String>, Double>> buckets = metrics.series(REQUESTS + "_bucket").stream()
                .filter(e -> e.getKey().entrySet().containsAll(labels.entrySet()))
                .toList();
        assertEquals(BUCKETS, buckets.size(), "buckets of " + labels);
        Map<String, String> inf = new LinkedHashMap<>(labels);
        inf.put("le", "+Inf");
        assertEquals(count, metrics.value(REQUESTS + "_bucket", inf));
        double previous = 0;
        for (Map.Entry<Map<String, String>, Double> b : buckets) {
            assertTrue(b.getValue() >= previous, "cumulative buckets " + buckets);
            previous = b.getValue();
        }
    }

    /** A minimal reader of the Prometheus text format: series name, labels, value. */
    static final class Exposition {
        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
        private final List<Map.Entry<String, Map.Entry<Map<String, String>, Double>>> samples = new ArrayList<>();

        Exposition(String text) {
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                assertTrue(m.matches(), "not an exposition line: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(Map.entry(m.group(1), Map.entry(labels, Double.parseDouble(m.group(4)))));
            }
        }

        List<Map.Entry<Map<String, String>, Double>> series(String name) {
            return samples.stream()
                    .filter(s -> s.getKey().equals(name))
                    .map(Map.Entry::getValue)
                    .toList();
        }

        /** The one sample with exactly these labels. */
        double value(String name, Map<String, String> labels) {
            List<Double> found = series(name).stream()
                    .filter(e -> e.getKey().equals(labels))
                    .map(Map.Entry::getValue)
                    .toList();
            assertEquals(1, found.size(), name + labels + " in " + series(name));
            return Objects.requireNonNull(found.get(0));
        }

        /** Sum over every sample whose labels include these. */
        double sum(String name, Map<String, String> labels) {
            List<Map.Entry<Map<String, String>, Double>> found = series(name).stream()
                    .filter(e -> e.getKey().entrySet().containsAll(labels.entrySet()))
                    .toList();
            assertFalse(found.isEmpty(), "no " + name + labels);
            return found.stream().mapToDouble(Map.Entry::getValue).sum();
        }
    }
}
