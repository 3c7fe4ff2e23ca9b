package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.PostgresCluster;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under a running gateway and comes back. The test owns the cluster (initdb into a temporary
 * directory, see {@link PostgresCluster}), so it runs once, in the default failsafe execution (server/pom.xml
 * excludes it from the PostgreSQL one), and skips where PostgreSQL is not installed. While the server is stopped,
 * every documented operation of every dialect answers 503 in that dialect's own envelope within a bounded time (the
 * pool's connect-timeout, here 500 ms), readiness is 503 and liveness 200; once it is started again, the same
 * gateway, never restarted, serves every operation again and readiness is 200.
 */
class PostgresOutageIT {
    private static final String MESSAGE = "the session store is temporarily unavailable";
    /** Each answer during the outage: connect-timeout (500 ms) plus the request's own work, with room for a busy CI. */
    private static final long BOUND_MS = 3_000;

    private static PostgresCluster cluster;
    private static GatewayHarness gateway;
    private static Clients clients;

    @BeforeAll
    static void startClusterAndGateway() throws Exception {
        Optional<Path> bin = PostgresCluster.binaries();
        Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)");
        cluster = PostgresCluster.create(bin.get());
        cluster.createDatabase("outage");
        Map<String, String> env = new HashMap<>(cluster.env("outage"));
        env.put("GATEWAY_DB_CONNECT_TIMEOUT", "500ms");
        env.put("GATEWAY_READY_TIMEOUT", "1s");
        env.put("GATEWAY_SHUTDOWN_GRACE", "1s");
        gateway = new GatewayHarness(env);
        gateway.open();
        clients = gateway.clients();
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /**
     * Ten clients (the pool's size) sending requests in a loop while the database is gone: requests fail fast
     * (median well under connect-timeout, 500 ms here) rather than each holding a worker thread for connect-timeout,
     * and liveness answers at once instead of queueing behind them. Before fail-fast, with Grizzly's two worker
     * threads per core, liveness waited 0.5 to 1 s here: long enough for an orchestrator's probe to time out and
     * restart a gateway whose only problem is the database. The best of three probes, to be robust to a busy
     * machine.
     */
    private static void assertLivenessAnswersWhileRequestsWaitForTheDatabase(Operation stalled) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        Queue<Long> durations = new ConcurrentLinkedQueue<>();
        List<Future<?>> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                clients.add(pool.submit(() -> {
                    while (running.get()) {
                        long t0 = System.nanoTime();
                        Response r = stalled.send().apply(undocumented(stalled));
                        durations.add((System.nanoTime() - t0) / 1_000_000);
                        assertUnavailable(stalled, r);
                    }
                    return null;
                }));
            }
            Thread.sleep(700);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                Response live = gateway.clients().admin().liveness();
                best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
                assertEquals(200, live.statusCode(), live.asString());
            }
            assertTrue(best < 300, "liveness behind the clients took at best " + best + " ms");
        } finally {
            running.set(false);
            pool.shutdown();
        }
        for (Future<?> f : clients) {
            f.get(10, TimeUnit.SECONDS);
        }
        List<Long> sorted = durations.stream().sorted().toList();
        assertTrue(sorted.size() >= 10, "requests sent: " + sorted.size());
        long median = sorted.get(sorted.size() / 2);
        assertTrue(
                median < 150,
                "requests fail fast while the database is gone: median " + median + " ms of " + sorted.size());
    }

    /** One documented operation: how to send it, and which dialect's envelope its errors come in. */
    record Operation(String name, String dialect, String document, int okStatus, Function<Clients, Response> send) {
        /** The error schema of the dialect's document, which an undeclared status's body must match. */
        String errorSchema() {
            return switch (dialect) {
                case "truefoundry" -> "RequestErrorResponse";
                case "everruns" -> "ErrorResponse";
                case "agentcloud" -> "dynamicResponse";
                case "recoup" -> "Error";
                case "admin" -> "AdminError";
                default -> throw new IllegalArgumentException(dialect);
            };
        }
    }

    @Test
    void stoppedDatabaseIs503InEveryEnvelopeAndTheSameGatewayRecovers() throws Exception {
        Tenant f = clients.provisioning().tenant();
        Map<String, Created> before = new LinkedHashMap<>();
        for (String via : Clients.DIALECTS) {
            before.put(via, Sessions.complete(clients, f, Sessions.create(clients, f, via)));
        }
        String admin = "Bearer " + GatewayHarness.adminToken(f.tenant());
        Provisioning.Key key = clients.provisioning()
                .key(f.tenant(), Map.of("dialect", "everruns", "name", "ci", "subject_id", "ci-bot"));
        String apiKey = key.secret();
        String keyId = key.id();
        List<Operation> operations = operations(f, before, admin, apiKey, keyId);
        assertReady(true);

        cluster.stop();
        try {
            for (Operation op : operations) {
                long t0 = System.nanoTime();
                // No document declares 503: the body must match the document's error schema.
                Response r = op.send().apply(undocumented(op));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertUnavailable(op, r);
                assertTrue(ms < BOUND_MS, op.name() + " took " + ms + " ms");
            }
            long t0 = System.nanoTime();
            Response ready = clients.admin().readiness();
            assertTrue((System.nanoTime() - t0) / 1_000_000 < BOUND_MS, "readiness answers within its bound");
            assertEquals(503, ready.statusCode(), ready.asString());
            assertEquals("down", ready.jsonPath().getString("status"));
            assertEquals("down", ready.jsonPath().getString("checks.database.status"));
            String detail = ready.jsonPath().getString("checks.database.detail");
            assertTrue(!detail.contains("jdbc:") && !detail.contains("127.0.0.1"), "no connection details: " + detail);
            Response live = clients.admin().liveness();
            assertEquals(200, live.statusCode(), live.asString());
            assertLivenessAnswersWhileRequestsWaitForTheDatabase(operations.get(1));
        } finally {
            cluster.start();
        }

        awaitReady();
        for (Operation op : operations) {
            Response r = op.send().apply(clients);
            assertEquals(op.okStatus(), r.statusCode(), op.name() + ": " + r.asString());
        }
        // What was stored before the outage is all there, read through every dialect.
        for (Created c : before.values()) {
            for (String readVia : Clients.DIALECTS) {
                Sessions.read(clients, f, c, readVia);
            }
        }
    }

    /** The clients while the database is down: no document declares 503, so bodies must match the error schema. */
    private static Clients undocumented(Operation op) {
        return new Clients(d -> gateway.givenUndocumented(op.document(), op.errorSchema()));
    }

    /**
     * Every documented operation, each as it succeeds once the database is back (the API key is revoked last, so
     * the Everruns create by key comes before it).
     */
    private static List<Operation> operations(
            Tenant f, Map<String, Created> before, String admin, String apiKey, String keyId) {
        String bearer = f.bearer();
        Created tf = before.get("truefoundry");
        Created ev = before.get("everruns");
        Created ac = before.get("agentcloud");
        Created rc = before.get("recoup");
        List<Operation> ops = new ArrayList<>();
        ops.add(new Operation(
                "TrueFoundry create",
                "truefoundry",
                "truefoundry/create-session.yaml",
                201,
                c -> c.trueFoundry()
                        .as(bearer)
                        .create(f.tenant(), Map.of("agent_name", f.agent().name()))));
        ops.add(new Operation(
                "TrueFoundry get",
                "truefoundry",
                "truefoundry/get-session.yaml",
                200,
                c -> c.trueFoundry().as(bearer).get(f.tenant(), tf.publicId())));
        ops.add(new Operation(
                "Everruns create",
                "everruns",
                "everruns/get-session.yaml",
                201,
                c -> c.everruns().as(bearer).create(Map.of("agent_id", f.agent().everrunsId()))));
        ops.add(new Operation(
                "Everruns create with an API key",
                "everruns",
                "everruns/get-session.yaml",
                201,
                c -> c.everruns().as(apiKey).create(Map.of("agent_id", f.agent().everrunsId()))));
        ops.add(new Operation(
                "Everruns get",
                "everruns",
                "everruns/get-session.yaml",
                200,
                c -> c.everruns().as(bearer).get(ev.publicId())));
        ops.add(new Operation(
                "Agentcloud add session",
                "agentcloud",
                "agentcloud/create-session.yaml",
                200,
                c -> c.agentcloud()
                        .as(bearer)
                        .create(f.team(), Map.of("id", f.agent().agentcloudId()))));
        ops.add(new Operation(
                "Agentcloud get session",
                "agentcloud",
                "agentcloud/retrieve-session.yaml",
                200,
                c -> c.agentcloud().as(bearer).get(f.team(), ac.objectId())));
        ops.add(new Operation(
                "Recoup create",
                "recoup",
                "recoup/create-session.yaml",
                200,
                c -> c.recoup().as(bearer).create(Map.of())));
        ops.add(new Operation(
                "Recoup get",
                "recoup",
                "recoup/get-session.yaml",
                200,
                c -> c.recoup().as(bearer).get(rc.publicId())));
        String t = f.tenant();
        ops.add(new Operation(
                "admin create agent",
                "admin",
                "admin/admin.yaml",
                201,
                c -> c.admin()
                        .as(admin)
                        .createAgent(
                                t,
                                Map.of(
                                        "name",
                                        "after-" + UUID.randomUUID(),
                                        "managers",
                                        List.of(),
                                        "restricted",
                                        false))));
        ops.add(new Operation(
                "admin list agents",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).listAgents(t)));
        ops.add(new Operation(
                "admin create team",
                "admin",
                "admin/admin.yaml",
                201,
                c -> c.admin().as(admin).createTeam(t, Map.of("name", "team-" + UUID.randomUUID()))));
        ops.add(new Operation(
                "admin list teams",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).listTeams(t)));
        ops.add(new Operation(
                "admin create API key",
                "admin",
                "admin/admin.yaml",
                201,
                c -> c.admin()
                        .as(admin)
                        .createApiKey(
                                t,
                                Map.of(
                                        "dialect",
                                        "recoup",
                                        "name",
                                        "bot",
                                        "subject_id",
                                        "bot",
                                        "account",
                                        f.account().toString()))));
        ops.add(new Operation(
                "admin list API keys",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).listApiKeys(t)));
        ops.add(new Operation(
                "admin list sessions",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).listSessions(t)));
        ops.add(new Operation(
                "admin show session",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).showSession(tf.publicId())));
        ops.add(new Operation(
                "admin patch session",
                "admin",
                "admin/admin.yaml",
                200,
                c -> c.admin().as(admin).updateSession(tf.publicId(), Map.of("title", "patched"))));
        ops.add(new Operation(
                "admin revoke API key",
                "admin",
                "admin/admin.yaml",
                204,
                c -> c.admin().as(admin).revokeApiKey(t, keyId)));
        return ops;
    }

    /** 503, JSON, and the whole body is the dialect's own error envelope saying the store is unavailable. */
    private static void assertUnavailable(Operation op, Response r) {
        assertEquals(503, r.statusCode(), op.name() + ": " + r.asString());
        assertTrue(r.contentType().startsWith("application/json"), op.name() + ": " + r.contentType());
        Map<String, Object> expected = new HashMap<>();
        switch (op.dialect()) {
            case "truefoundry" -> {
                Map<String, Object> error = new HashMap<>();
                error.put("message", MESSAGE);
                error.put("type", "service_unavailable_error");
                error.put("code", "database_unavailable");
                error.put("param", null);
                expected.put("error", error);
            }
            case "everruns" -> expected.put("error", MESSAGE);
            case "agentcloud" -> {
                expected.put("message", MESSAGE);
                expected.put("code", 503);
            }
            case "recoup" -> {
                expected.put("status", "error");
                expected.put("error", MESSAGE);
            }
            case "admin" -> {
                Map<String, Object> error = new HashMap<>();
                error.put("code", "database_unavailable");
                error.put("message", MESSAGE);
                error.put("reference", null);
                expected.put("error", error);
            }
            default -> throw new IllegalArgumentException(op.dialect());
        }
        assertEquals(expected, r.jsonPath().getMap(""), op.name());
    }

    private static void assertReady(boolean ready) {
        Response r = clients.admin().readiness();
        assertEquals(ready ? 200 : 503, r.statusCode(), r.asString());
    }

    /** Polls (bounded) until ready: the pool opens new connections as soon as the server accepts them. */
    private static void awaitReady() throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        Response r;
        do {
            r = clients.admin().readiness();
            if (r.statusCode() == 200) {
                assertEquals("up", r.jsonPath().getString("checks.database.status"));
                System.out.printf(
                        "PostgresOutageIT: ready %d ms after the server was started again%n",
                        (System.nanoTime() - t0) / 1_000_000);
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not ready again within 30 s: " + r.asString());
    }
}
