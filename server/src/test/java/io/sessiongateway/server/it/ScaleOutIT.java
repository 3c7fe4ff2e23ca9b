package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.clients.Clients.DIALECTS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.GatewayProcess;
import io.sessiongateway.server.testing.TestDatabase;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two gateways over one database, as behind a load balancer without sticky sessions: a second {@link GatewayServer}
 * in this JVM over the harness's database (H2 file or PostgreSQL, as the run is), and two real
 * {@code java -jar session-gateway.jar serve} processes over one PostgreSQL schema, each with a data directory of
 * its own (skipped only when no PostgreSQL is configured: H2's embedded file admits one process). Whatever one
 * instance writes, the other reads at once; collisions are settled by the database, once.
 */
class ScaleOutIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int SESSION_RACES = 8;
    private static final int AGENT_RACES = 4;

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    private static GatewayServer second;
    private static TestDatabase processDatabase;
    private static final List<GatewayProcess> PROCESSES = new ArrayList<>();
    private static final List<Path> DIRS = new ArrayList<>();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @BeforeAll
    static void startSecondInstance() {
        Map<String, String> env = new HashMap<>(GATEWAY.databaseEnv());
        env.put("GATEWAY_DATA_DIR", GATEWAY.dataDir().toString());
        env.put("GATEWAY_JWT_SECRET", GatewayHarness.SECRET);
        env.put("GATEWAY_BIND", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("GATEWAY_SHUTDOWN_GRACE", "1s");
        second = GatewayServer.start(GatewayConfig.load(null, env));
    }

    @AfterAll
    static void stopEverything() throws IOException {
        POOL.shutdownNow();
        try {
            for (GatewayProcess p : PROCESSES) {
                p.close();
            }
            if (second != null) {
                second.close();
            }
        } finally {
            if (processDatabase != null) {
                processDatabase.close();
            }
            for (Path dir : DIRS) {
                delete(dir);
            }
        }
    }

    /** The two instances of a pair, as typed clients. */
    record Pair(Clients first, Clients second) {
        List<Clients> both() {
            return List.of(first, second);
        }
    }

    static Pair pair(String kind) {
        if (kind.equals("in-process")) {
            String other = "http://127.0.0.1:" + second.port();
            return new Pair(GATEWAY.clients(), GatewayHarness.clientsAt(other));
        }
        Assumptions.assumeTrue(
                TestDatabase.postgresConfigured(),
                "two gateway processes need a shared PostgreSQL (GATEWAY_TEST_PG_URL); H2's file admits one process");
        List<GatewayProcess> p = processes();
        return new Pair(
                GatewayHarness.clientsAt(p.get(0).baseUri()),
                GatewayHarness.clientsAt(p.get(1).baseUri()));
    }

    /** Two jar processes over a fresh PostgreSQL schema, started together (they migrate it together, too). */
    private static synchronized List<GatewayProcess> processes() {
        if (PROCESSES.isEmpty()) {
            processDatabase = TestDatabase.postgres();
            List<CompletableFuture<GatewayProcess>> starting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int n = i;
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        Path dir = Files.createTempDirectory("gateway-scale-out-" + n);
                        synchronized (DIRS) {
                            DIRS.add(dir);
                        }
                        Map<String, String> env = new HashMap<>(processDatabase.env());
                        env.put("GATEWAY_DATA_DIR", dir.resolve("data").toString());
                        env.put("GATEWAY_JWT_SECRET", GatewayHarness.SECRET);
                        env.put("GATEWAY_DB_POOL_SIZE", "4");
                        return GatewayProcess.start(env, dir.resolve("gateway.log"), START_TIMEOUT);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            for (CompletableFuture<GatewayProcess> f : starting) {
                try {
                    PROCESSES.add(f.join());
                } catch (RuntimeException e) {
                    starting.forEach(s -> {
                        var unused = s.thenAccept(GatewayProcess::close); // best effort: the failure is `e`
                    });
                    throw e;
                }
            }
        }
        return PROCESSES;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in-process", "processes"})
    void sessionsCreatedThroughEitherAreReadThroughBoth(String kind) {
        Pair pair = pair(kind);
        Tenant f = pair.first().provisioning().tenant();
        for (String via : DIALECTS) {
            for (Clients creator : pair.both()) {
                Created c = Sessions.complete(creator, f, Sessions.create(creator, f, via));
                for (Clients reader : pair.both()) {
                    for (String readVia : DIALECTS) {
                        Sessions.read(reader, f, c, readVia);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in-process", "processes"})
    void concurrentCreatesOfOneIdGiveOneSessionAndOneConflict(String kind) throws Exception {
        Pair pair = pair(kind);
        Tenant f = pair.first().provisioning().tenant();
        String alice = "Bearer " + GatewayHarness.token(f.tenant(), "alice");
        String bob = "Bearer " + GatewayHarness.token(f.tenant(), "bob");
        int firstWon = 0;
        for (int i = 0; i < SESSION_RACES; i++) {
            String id = "race-" + i + "-" + UUID.randomUUID();
            Map<String, Object> body = Map.of("agent_name", f.agent().name(), "id", id);
            List<Response> answers = race(
                    () -> pair.first().trueFoundry().as(alice).create(f.tenant(), body),
                    () -> pair.second().trueFoundry().as(bob).create(f.tenant(), body));
            int winner = answers.get(0).statusCode() == 201 ? 0 : 1;
            firstWon += 1 - winner;
            Response won = answers.get(winner);
            Response lost = answers.get(1 - winner);
            assertEquals(201, won.statusCode(), "race " + i + ": " + won.asString() + " / " + lost.asString());
            TrueFoundryIT.assertError(lost, 409, "conflict_error", "session_exists", "id");
            assertEquals(
                    "a session with id '" + id + "' already exists",
                    lost.jsonPath().getString("error.message"));
            // The session is the winner's, read the same through both instances.
            String winnerSubject = winner == 0 ? "alice" : "bob";
            String winnerBearer = winner == 0 ? alice : bob;
            assertEquals(winnerSubject, won.jsonPath().getString("data.created_by_subject.subject_id"));
            for (Clients reader : pair.both()) {
                Response read = reader.trueFoundry().as(winnerBearer).get(f.tenant(), id);
                assertEquals(200, read.statusCode(), read.asString());
                assertEquals(won.jsonPath().getMap("data"), read.jsonPath().getMap("data"));
            }
        }
        System.out.printf("ScaleOutIT %s: first instance won %d of %d id races%n", kind, firstWon, SESSION_RACES);

        String admin = "Bearer " + GatewayHarness.adminToken(f.tenant());
        for (int i = 0; i < AGENT_RACES; i++) {
            Map<String, Object> body = Map.of("name", "racer-" + i, "managers", List.of(), "restricted", false);
            List<Response> answers = race(
                    () -> pair.first().admin().as(admin).createAgent(f.tenant(), body),
                    () -> pair.second().admin().as(admin).createAgent(f.tenant(), body));
            List<Integer> statuses =
                    answers.stream().map(Response::statusCode).sorted().toList();
            assertEquals(
                    List.of(201, 409),
                    statuses,
                    answers.get(0).asString() + " / " + answers.get(1).asString());
            Response lost = answers.get(0).statusCode() == 409 ? answers.get(0) : answers.get(1);
            Map<String, Object> error = new HashMap<>();
            error.put("code", "agent_exists");
            error.put("message", "an agent named 'racer-" + i + "' already exists in tenant '" + f.tenant() + "'");
            error.put("reference", null);
            assertEquals(Map.of("error", error), lost.jsonPath().getMap(""));
        }
        Response agents = pair.second().admin().as(admin).listAgents(f.tenant());
        assertEquals(200, agents.statusCode(), agents.asString());
        List<String> names = agents.jsonPath().getList("data.name");
        for (int i = 0; i < AGENT_RACES; i++) {
            String name = "racer-" + i;
            assertEquals(1, names.stream().filter(name::equals).count(), names.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in-process", "processes"})
    void adminChangesOnOneAreSeenAtOnceByTheOther(String kind) {
        Pair pair = pair(kind);
        Tenant f = pair.first().provisioning().tenant();
        String admin = "Bearer " + GatewayHarness.adminToken(f.tenant());

        // An agent created through one is usable through the other at once, by name and by id.
        Response agent = pair.first()
                .admin()
                .as(admin)
                .createAgent(f.tenant(), Map.of("name", "fresh", "managers", List.of(), "restricted", false));
        assertEquals(201, agent.statusCode(), agent.asString());
        Response tf = pair.second().trueFoundry().as(f.bearer()).create(f.tenant(), Map.of("agent_name", "fresh"));
        assertEquals(201, tf.statusCode(), tf.asString());
        assertEquals("fresh", tf.jsonPath().getString("data.agent_name"));
        String agentId = agent.jsonPath().getString("ids.everruns");
        Response ev = pair.second().everruns().as(f.bearer()).create(Map.of("agent_id", agentId));
        assertEquals(201, ev.statusCode(), ev.asString());
        assertEquals(agentId, ev.jsonPath().getString("agent_id"));

        // An API key made on one works on the other; revoked on the other, it stops working on both at once.
        Response key = pair.first()
                .admin()
                .as(admin)
                .createApiKey(f.tenant(), Map.of("dialect", "everruns", "name", "ci", "subject_id", "ci-bot"));
        assertEquals(201, key.statusCode(), key.asString());
        String secret = key.jsonPath().getString("secret");
        Function<Clients, Response> useKey = c -> c.everruns().as(secret).create(Map.of("agent_id", agentId));
        for (Clients r : pair.both()) {
            Response ok = useKey.apply(r);
            assertEquals(201, ok.statusCode(), ok.asString());
        }
        pair.second()
                .admin()
                .as(admin)
                .revokeApiKey(f.tenant(), key.jsonPath().getString("key.id"))
                .then()
                .statusCode(204);
        for (Clients r : pair.both()) {
            Response refused = useKey.apply(r);
            EverrunsIT.assertError(refused, 401);
            assertEquals(
                    Map.of("error", "API key has been revoked"),
                    refused.jsonPath().getMap(""));
        }
    }

    /** Sends both requests at the same instant (as near as two threads get) and returns both answers in order. */
    private static List<Response> race(Callable<Response> a, Callable<Response> b) throws Exception {
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (Callable<Response> call : List.of(a, b)) {
            futures.add(POOL.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        ready.await();
        go.countDown();
        List<Response> answers = new ArrayList<>();
        for (Future<Response> f : futures) {
            answers.add(f.get(30, TimeUnit.SECONDS));
        }
        return answers;
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
