package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.runtime.client.ReferenceWorker;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.RuntimeWorkers;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "a worker killed with SIGKILL mid-turn": the reference worker runs as an OS process of its own and is
 * killed with SIGKILL. Its lease (4 s) lapses and the sweeper (every 100 ms) handles the turn as
 * docs/architecture.md documents: a turn that streamed output fails with {@code lease expired}; one that had not is
 * queued again and a second worker answers it. Either way the session's log has dense sequence numbers, no event
 * twice, and exactly one terminal event for the turn. On the run's database (the H2 file, or PostgreSQL in CI).
 */
class WorkerSigkillIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_LEASE_SWEEP_INTERVAL", "100ms"));

    static final Clients CLIENTS = GATEWAY.clients();
    private static final Set<String> TERMINAL = Set.of("turn.done", "turn.failed", "turn.cancelled");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Short, so the test runs in seconds; long enough for a worker on a loaded two-core machine to keep it. */
    private static final int LEASE_SECONDS = 4;

    private static Database database;
    private static Path dir;
    private static final List<Process> PROCESSES = new ArrayList<>();

    @BeforeAll
    static void prepare() throws IOException {
        database = RuntimeWorkers.database(GATEWAY, Map.of());
        dir = Files.createTempDirectory("worker-sigkill");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        PROCESSES.forEach(Process::destroyForcibly);
        if (database != null) {
            database.close();
        }
        ScaleOutIT.delete(dir);
    }

    record Conversation(Tenant tenant, String responder, UUID sessionId, String key) {}

    private static Conversation conversation() {
        Provisioning p = CLIENTS.provisioning();
        Tenant t = p.tenant();
        String responder = "ext-" + UUID.randomUUID().toString().substring(0, 8);
        Response agent = CLIENTS.admin(t.tenant())
                .createAgent(t.tenant(), Map.of("name", "worker-agent", "responder", responder));
        assertEquals(201, agent.statusCode(), agent.asString());
        Response s = CLIENTS.everruns()
                .as(t.bearer())
                .create(Map.of("agent_id", agent.jsonPath().getString("ids.everruns")));
        assertEquals(201, s.statusCode(), s.asString());
        String hex = s.jsonPath().getString("id").substring("session_".length());
        UUID id = UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        String key = p.key(t.tenant(), "runtime", "runner", null, List.of()).secret();
        return new Conversation(t, responder, id, key);
    }

    /** The reference worker in a JVM of its own (this test's classpath), its output to a file. */
    private static Process worker(Conversation c, String name, long stepDelayMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReferenceWorker.class.getName(),
                        "--url",
                        GATEWAY.baseUri(),
                        "--responder",
                        c.responder(),
                        "--name",
                        name,
                        "--lease",
                        Integer.toString(LEASE_SECONDS),
                        "--step-delay",
                        Long.toString(stepDelayMillis))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("GATEWAY_WORKER_KEY", c.key());
        Process p = pb.start();
        PROCESSES.add(p);
        return p;
    }

    private static String log(String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static void await(String name, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (log(name).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' from " + name + " within " + WAIT + ":\n" + log(name));
    }

    private static void sigkill(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor());
        p.waitFor();
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    /** The turn through the runtime API, once its status is {@code status}. */
    private static Response awaitTurn(Conversation c, UUID turn, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Response r = null;
        while (System.nanoTime() < deadline) {
            r = GATEWAY.given().header("Authorization", "Bearer " + c.key()).get("/runtime/v1/turns/" + turn);
            assertEquals(200, r.statusCode(), r.asString());
            if (status.equals(r.jsonPath().getString("data.status"))) {
                return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("turn not " + status + " within " + WAIT + ": " + r.asString());
    }

    /** The session's whole log, checked: seqs 1..n, ids distinct, output steps distinct, one terminal event. */
    private static List<String> checkedLog(Conversation c, UUID turn) {
        List<Event> log = new JooqSessionStore(database).listEvents(c.sessionId(), EventQuery.after(0, 1000));
        assertEquals(
                LongStream.rangeClosed(1, log.size()).boxed().toList(),
                log.stream().map(Event::seq).toList(),
                "dense sequence numbers");
        assertEquals(log.size(), new HashSet<>(log.stream().map(Event::id).toList()).size(), "no event twice");
        List<Integer> steps =
                log.stream().map(Event::step).filter(s -> s != null).toList();
        assertEquals(steps.size(), new HashSet<>(steps).size(), "no output step twice");
        assertEquals(
                1,
                log.stream()
                        .filter(e -> turn.equals(e.turnId())
                                && TERMINAL.contains(e.type().value()))
                        .count(),
                "exactly one terminal turn event");
        return log.stream().map(e -> e.type().value()).toList();
    }

    @Test
    void aWorkerKilledAfterOutputLeavesTheTurnFailedWithLeaseExpired() throws Exception {
        Conversation c = conversation();
        Process w = worker(c, "after-output", 700);
        Posted p = RuntimeWorkers.post(database, c.sessionId(), "one two three four", c.responder());
        await("after-output", "step 1 " + p.turn().id());
        sigkill(w);

        Response failed = awaitTurn(c, p.turn().id(), "error");
        assertEquals("lease expired", failed.jsonPath().getString("data.error"));
        List<String> types = checkedLog(c, p.turn().id());
        int deltas = (int) types.stream().filter("output.text.delta"::equals).count();
        assertTrue(deltas >= 1 && deltas < 3, types.toString());
        List<String> expected =
                new ArrayList<>(List.of("message.created", "turn.queued", "session.status.changed", "turn.started"));
        for (int i = 0; i < deltas; i++) {
            expected.add("output.text.delta");
        }
        expected.addAll(List.of("turn.failed", "session.status.changed"));
        assertEquals(expected, types);
    }

    @Test
    void aWorkerKilledBeforeOutputLeavesTheTurnToASecondWorker() throws Exception {
        Conversation c = conversation();
        Process w = worker(c, "before-output", 60_000);
        Posted p = RuntimeWorkers.post(database, c.sessionId(), "reclaimed", c.responder());
        await("before-output", "claimed " + p.turn().id());
        sigkill(w);

        Process second = worker(c, "second", 0);
        Response done = awaitTurn(c, p.turn().id(), "done");
        assertEquals(2, done.jsonPath().getInt("data.claims"));
        assertTrue(done.jsonPath().getString("data.worker").endsWith("/second"), done.asString());
        await("second", "finished " + p.turn().id() + " done");
        second.destroy();
        List<String> types = checkedLog(c, p.turn().id());
        assertEquals(
                List.of(
                        "message.created",
                        "turn.queued",
                        "session.status.changed",
                        "turn.started",
                        "turn.queued",
                        "turn.started",
                        "output.text.delta",
                        "output.text.delta",
                        "output.text.delta",
                        "message.created",
                        "turn.done",
                        "session.status.changed"),
                types);
    }
}
