package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.clients.Clients.DIALECTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.GatewayProcess;
import io.sessiongateway.server.testing.TestDatabase;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway process killed with SIGKILL in the middle of a stream of creates (four client threads, all four
 * dialects) holds, after a restart over the same database, every session it acknowledged, with the fields it
 * answered. The database is the run's: the H2 file in the data directory (which needs {@code WRITE_DELAY=0}: with
 * H2's default the commits of the last half second before the kill are lost) or a PostgreSQL schema.
 */
class CrashRecoveryIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int CLIENTS = 4;
    /** The kill comes once this many creates have been acknowledged, while the clients keep sending. */
    private static final int KILL_AFTER = 120;

    private static Path dir;
    private static TestDatabase database;
    private static final List<GatewayProcess> PROCESSES = new ArrayList<>();

    /** One acknowledged create: through which dialect, the session's id there, and what the answer said. */
    record Ack(String via, String id, Map<String, Object> answer) {}

    @BeforeAll
    static void prepare() throws Exception {
        dir = Files.createTempDirectory("gateway-crash");
        database = TestDatabase.create();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            PROCESSES.forEach(GatewayProcess::close);
        } finally {
            if (database != null) {
                database.close();
            }
            ScaleOutIT.delete(dir);
        }
    }

    private static GatewayProcess start() {
        Map<String, String> env = new HashMap<>(database.env());
        env.put("GATEWAY_DATA_DIR", dir.resolve("data").toString());
        env.put("GATEWAY_JWT_SECRET", GatewayHarness.SECRET);
        env.put("GATEWAY_DB_POOL_SIZE", "4");
        GatewayProcess p = GatewayProcess.start(env, dir.resolve("gateway.log"), START_TIMEOUT);
        PROCESSES.add(p);
        return p;
    }

    @Test
    void everyAcknowledgedCreateSurvivesSigkill() throws Exception {
        GatewayProcess first = start();
        Clients toFirst = GatewayHarness.clientsAt(first.baseUri());
        Tenant f = toFirst.provisioning().tenant();

        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread t = new Thread(
                    () -> {
                        while (true) {
                            int n = sequence.getAndIncrement();
                            String via = DIALECTS.get(n % DIALECTS.size());
                            Response r;
                            try {
                                r = send(toFirst, f, via, n);
                            } catch (RuntimeException connectionGone) {
                                return; // killed: this create was never acknowledged
                            }
                            if (r.statusCode() / 100 == 2) {
                                acks.add(ack(via, r));
                            } else {
                                unexpected.add(via + " " + r.statusCode() + " " + r.asString());
                            }
                        }
                    },
                    "crash-client-" + c);
            t.setDaemon(true);
            clients.add(t);
        }
        clients.forEach(Thread::start);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acks.size() < KILL_AFTER
                && System.nanoTime() < deadline
                && clients.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(5);
        }
        first.kill();
        for (Thread t : clients) {
            t.join(30_000);
            assertTrue(!t.isAlive(), t.getName() + " still running after the kill");
        }
        assertEquals(List.of(), List.copyOf(unexpected), "every create before the kill succeeds");
        assertTrue(acks.size() >= KILL_AFTER, "only " + acks.size() + " creates acknowledged before the kill");
        System.out.printf(
                "CrashRecoveryIT (%s): %d creates sent, %d acknowledged before SIGKILL%n",
                TestDatabase.kind(), sequence.get(), acks.size());

        GatewayProcess second = start();
        Clients toSecond = GatewayHarness.clientsAt(second.baseUri());
        for (Ack a : acks) {
            assertStillThere(toSecond, f, a);
        }
        // Nothing was duplicated either: the tenant holds the acknowledged sessions and at most one unacknowledged
        // create per client (sent, committed, but killed before its answer went out).
        Response list = toSecond.admin(f.tenant()).listSessions(f.tenant(), 1000);
        assertEquals(200, list.statusCode(), list.asString());
        List<String> stored = list.jsonPath().getList("data.ids.truefoundry");
        assertEquals(stored.size(), new HashSet<>(stored).size(), "no session twice");
        assertTrue(
                stored.size() >= acks.size() && stored.size() <= acks.size() + CLIENTS,
                stored.size() + " stored for " + acks.size() + " acknowledged");
    }

    private static Response send(Clients clients, Tenant f, String via, int n) {
        return switch (via) {
            case "truefoundry" ->
                clients.trueFoundry()
                        .as(f.bearer())
                        .create(f.tenant(), Map.of("agent_name", f.agent().name(), "id", "crash-" + n));
            case "everruns" ->
                clients.everruns()
                        .as(f.bearer())
                        .create(Map.of("agent_id", f.agent().everrunsId(), "title", "crash " + n));
            case "agentcloud" ->
                clients.agentcloud()
                        .as(f.bearer())
                        .create(f.team(), Map.of("id", f.agent().agentcloudId()));
            case "recoup" -> clients.recoup().as(f.bearer()).create(Map.of("title", "crash " + n));
            default -> throw new IllegalArgumentException(via);
        };
    }

    private static Ack ack(String via, Response r) {
        Map<String, Object> body = r.jsonPath().getMap("");
        return switch (via) {
            case "truefoundry" -> new Ack(via, r.jsonPath().getString("data.id"), body);
            case "everruns" -> new Ack(via, r.jsonPath().getString("id"), body);
            case "agentcloud" -> new Ack(via, AgentcloudClient.createdId(r), body);
            case "recoup" -> new Ack(via, r.jsonPath().getString("session.id"), body);
            default -> throw new IllegalArgumentException(via);
        };
    }

    /** Read back through the dialect that created it: the same representation it answered with. */
    private static void assertStillThere(Clients clients, Tenant f, Ack a) {
        Response r = switch (a.via()) {
            case "truefoundry" -> clients.trueFoundry().as(f.bearer()).get(f.tenant(), a.id());
            case "everruns" -> clients.everruns().as(f.bearer()).get(a.id());
            case "agentcloud" -> clients.agentcloud().as(f.bearer()).get(f.team(), a.id());
            case "recoup" -> clients.recoup().as(f.bearer()).get(a.id());
            default -> throw new IllegalArgumentException(a.via());
        };
        assertEquals(200, r.statusCode(), a + ": " + r.asString());
        Map<String, Object> read = r.jsonPath().getMap("");
        switch (a.via()) {
            case "truefoundry", "everruns" -> assertEquals(a.answer(), read, a.via() + " " + a.id());
            case "recoup" -> assertEquals(a.answer().get("session"), read.get("session"), a.via() + " " + a.id());
            case "agentcloud" -> {
                assertEquals(a.id(), r.jsonPath().getString("session._id"));
                assertEquals(f.team(), r.jsonPath().getString("session.teamId"));
                assertEquals(f.agent().agentcloudId(), r.jsonPath().getString("session.appId"));
                assertEquals(f.agent().name(), r.jsonPath().getString("session.name"));
                assertEquals("started", r.jsonPath().getString("session.status"));
            }
            default -> throw new IllegalArgumentException(a.via());
        }
    }
}
