package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.TestDatabase;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12 item 7 over two gateway instances on one database (the harness's H2 file or PostgreSQL schema, as the
 * run is: CI sets {@code GATEWAY_TEST_PG_URL}; a second {@link GatewayServer} in this JVM, as {@link ScaleOutIT}
 * does, since H2's file admits one process): every race sends its two (or more) requests to different instances at
 * the same moment, many times.
 *
 * <ul>
 *   <li>Two PATCHes of different fields both survive (Everruns title, locale, tags; Recoup title, status; and across
 *       dialects).
 *   <li>A PATCH racing a DELETE ends in one consistent state: the delete succeeds once, the PATCH is either a 200
 *       ordered before it or the dialect's not-found, and afterwards every dialect's get (on both instances) answers
 *       as for an unknown id, no list shows the session, a later PATCH finds nothing (never resurrected) and the
 *       counters agree with the lists.
 *   <li>Cancel and delete repeated concurrently. Who says what (shared/research/vendor-session-apis.md): Everruns
 *       documents its cancel as idempotent ({@code no_op} when nothing runs); Agentcloud's cancel sets
 *       {@code terminated} whatever the state and answers 200 {@code {}}; TrueFoundry's hosted cancel answers
 *       {@code {}} (its 412 for nothing running is never sent here: docs/lifecycle.md). So every concurrent cancel
 *       succeeds and the session is cancelled once. No vendor makes a served delete idempotent (only the
 *       TrueForge OSS server does, not served): Everruns and Recoup's web app answer a missing session 404,
 *       Agentcloud 400 ({@code deletedCount < 1}); so a delete deletes once and the repeats get those.
 * </ul>
 *
 * <p>{@code -Drace.rounds=N} changes the rounds per race (default 6; the outcomes of the PATCH-versus-DELETE races
 * are printed, and both orders occur in a run).
 */
class LifecycleRaceIT {
    static final int RACES = Integer.getInteger("race.rounds", 6);

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static GatewayServer second;
    static Clients one;
    static Clients two;
    static final ExecutorService POOL = Executors.newFixedThreadPool(8);
    /** Who won the PATCH-versus-DELETE races (printed: the test is not vacuous when both orders occur). */
    static final Map<String, Integer> OUTCOMES = new ConcurrentHashMap<>();

    @BeforeAll
    static void startSecondInstance() {
        Map<String, String> env = new HashMap<>(GATEWAY.databaseEnv());
        env.put("GATEWAY_DATA_DIR", GATEWAY.dataDir().toString());
        env.put("GATEWAY_JWT_SECRET", GatewayHarness.SECRET);
        env.put("GATEWAY_BIND", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("GATEWAY_SHUTDOWN_GRACE", "1s");
        second = GatewayServer.start(GatewayConfig.load(null, env));
        one = GATEWAY.clients();
        two = GatewayHarness.clientsAt("http://127.0.0.1:" + second.port());
    }

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
        if (second != null) {
            second.close();
        }
        System.out.println("patch/delete races on " + TestDatabase.kind() + ": " + new TreeMap<>(OUTCOMES));
    }

    /** A write through one instance. */
    @FunctionalInterface
    interface Write {
        Response apply(Clients on, Tenant t, Created c);
    }

    static Stream<Arguments> fieldPairs() {
        Write evTitle = (on, t, c) -> on.everruns().as(t.bearer()).update(c.publicId(), Map.of("title", "T"));
        Write evLocale = (on, t, c) -> on.everruns().as(t.bearer()).update(c.publicId(), Map.of("locale", "uk-UA"));
        Write evTags = (on, t, c) -> on.everruns().as(t.bearer()).update(c.publicId(), Map.of("tags", List.of("x")));
        Write rcTitle = (on, t, c) -> on.recoup().as(t.bearer()).update(c.publicId(), Map.of("title", "T"));
        Write rcArchive = (on, t, c) -> on.recoup().as(t.bearer()).update(c.publicId(), Map.of("status", "archived"));
        Write acVariables =
                (on, t, c) -> on.agentcloud().as(t.bearer()).editVariables(t.team(), c.objectId(), Map.of("k", "v"));
        return Stream.of(
                Arguments.of("everruns title", evTitle, "everruns locale", evLocale),
                Arguments.of("everruns title", evTitle, "everruns tags", evTags),
                Arguments.of("everruns locale", evLocale, "everruns tags", evTags),
                Arguments.of("recoup title", rcTitle, "recoup status", rcArchive),
                Arguments.of("everruns tags", evTags, "recoup status", rcArchive),
                Arguments.of("agentcloud variables", acVariables, "everruns title", evTitle));
    }

    @ParameterizedTest(name = "{0} vs {2}")
    @MethodSource("fieldPairs")
    void twoPatchesOfDifferentFieldsOnTwoInstancesBothSurvive(String a, Write first, String b, Write other)
            throws Exception {
        Tenant t = one.provisioning().tenant();
        for (int i = 0; i < RACES; i++) {
            Created c = Sessions.complete(one, t, Sessions.create(one, t, "everruns"));
            List<Response> answers = race(() -> first.apply(one, t, c), () -> other.apply(two, t, c));
            answers.forEach(r -> assertEquals(200, r.statusCode(), a + " / " + b + ": " + r.asString()));
            for (Clients on : List.of(one, two)) {
                Map<String, Object> ev = on.everruns()
                        .as(t.bearer())
                        .get(c.publicId())
                        .jsonPath()
                        .getMap("");
                Map<String, Object> rc =
                        on.recoup().as(t.bearer()).get(c.publicId()).jsonPath().getMap("session");
                Map<String, Object> admin = on.admin(t.tenant())
                        .showSession(c.publicId())
                        .jsonPath()
                        .getMap("");
                for (String field : List.of(a, b)) {
                    switch (field) {
                        case "everruns title", "recoup title" -> assertEquals("T", ev.get("title"), field);
                        case "everruns locale" -> assertEquals("uk-UA", ev.get("locale"), field);
                        case "everruns tags" -> assertEquals(List.of("x"), ev.get("tags"), field);
                        case "recoup status" -> {
                            assertEquals("archived", rc.get("status"), field);
                            assertEquals("archived", rc.get("lifecycleState"), field);
                        }
                        case "agentcloud variables" -> assertEquals(Map.of("k", "v"), admin.get("variables"), field);
                        default -> throw new IllegalArgumentException(field);
                    }
                }
                // Both changes moved one updated time, shown alike.
                assertEquals(admin.get("updated_at"), ev.get("updated_at"));
                assertEquals(admin.get("updated_at"), rc.get("updatedAt"));
            }
        }
    }

    static Stream<Arguments> patchVersusDelete() {
        return Stream.of(
                Arguments.of("everruns", "everruns"),
                Arguments.of("recoup", "everruns"),
                Arguments.of("everruns", "recoup"),
                Arguments.of("recoup", "agentcloud"),
                Arguments.of("agentcloud", "recoup"),
                Arguments.of("agentcloud", "everruns"));
    }

    @ParameterizedTest(name = "PATCH via {0} vs DELETE via {1}")
    @MethodSource("patchVersusDelete")
    void aPatchRacingADeleteOnTheOtherInstanceEndsInOneConsistentState(String patchVia, String deleteVia)
            throws Exception {
        Tenant t = one.provisioning().tenant();
        for (int i = 0; i < RACES; i++) {
            Created c = Sessions.complete(one, t, Sessions.create(one, t, "everruns"));
            Clients patcher = i % 2 == 0 ? one : two;
            Clients deleter = i % 2 == 0 ? two : one;
            String title = "patched-" + i;
            List<Response> answers =
                    race(() -> patch(patcher, t, c, patchVia, title), () -> delete(deleter, t, c, deleteVia));
            Response patched = answers.get(0);
            Response deleted = answers.get(1);
            assertEquals(deleteVia.equals("everruns") ? 204 : 200, deleted.statusCode(), deleted.asString());
            if (patched.statusCode() == 200) {
                OUTCOMES.merge(patchVia + " patch first", 1, Integer::sum);
                String shown = switch (patchVia) {
                    case "everruns" -> patched.jsonPath().getString("title");
                    case "recoup" -> patched.jsonPath().getString("session.title");
                    default -> title; // Agentcloud's edit answers an UpdateResult
                };
                assertEquals(title, shown, patched.asString());
            } else {
                OUTCOMES.merge(patchVia + " delete first", 1, Integer::sum);
                assertNotFound(patchVia, patched, c);
            }
            assertGoneEverywhere(t, c);
            // Never resurrected: a PATCH after both finds nothing, on either instance.
            for (Clients on : List.of(one, two)) {
                assertNotFound(patchVia, patch(on, t, c, patchVia, "late"), c);
            }
        }
        // The counters agree with the lists: every session of the tenant was deleted.
        for (Clients on : List.of(one, two)) {
            Response stats = on.everruns().as(t.bearer()).stats();
            assertEquals(200, stats.statusCode(), stats.asString());
            assertEquals(
                    Map.of("total", 0, "active", 0, "idle", 0, "started", 0, "waiting_for_tool_results", 0),
                    stats.jsonPath().getMap(""));
        }
    }

    static Response patch(Clients on, Tenant t, Created c, String via, String title) {
        return switch (via) {
            case "everruns" -> on.everruns().as(t.bearer()).update(c.publicId(), Map.of("title", title));
            case "recoup" -> on.recoup().as(t.bearer()).update(c.publicId(), Map.of("title", title));
            case "agentcloud" ->
                on.agentcloud().as(t.bearer()).editVariables(t.team(), c.objectId(), Map.of("title", title));
            default -> throw new IllegalArgumentException(via);
        };
    }

    static Response delete(Clients on, Tenant t, Created c, String via) {
        return switch (via) {
            case "everruns" -> on.everruns().as(t.bearer()).delete(c.publicId());
            case "recoup" -> on.recoup().as(t.bearer()).delete(c.publicId());
            case "agentcloud" -> on.agentcloud().as(t.bearer()).delete(t.team(), c.objectId());
            default -> throw new IllegalArgumentException(via);
        };
    }

    /** The write's answer for a session that does not exist (README "Deleted"). */
    static void assertNotFound(String via, Response r, Created c) {
        switch (via) {
            case "everruns" -> {
                assertEquals(404, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("error", "session '" + c.publicId() + "' not found"),
                        r.jsonPath().getMap(""));
            }
            case "recoup" -> {
                assertEquals(404, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("status", "error", "error", "session '" + c.publicId() + "' not found"),
                        r.jsonPath().getMap(""));
            }
            case "agentcloud" -> {
                assertEquals(400, r.statusCode(), r.asString());
                assertEquals(
                        Map.of("message", "Invalid inputs: session '" + c.objectId() + "' not found", "code", 400),
                        r.jsonPath().getMap(""));
            }
            default -> throw new IllegalArgumentException(via);
        }
    }

    /** Every dialect's get on both instances answers as for an unknown id; no list of either shows the session. */
    static void assertGoneEverywhere(Tenant t, Created c) {
        for (Clients on : List.of(one, two)) {
            assertEquals(
                    404,
                    on.trueFoundry()
                            .as(t.bearer())
                            .get(t.tenant(), c.publicId())
                            .statusCode());
            assertEquals(404, on.everruns().as(t.bearer()).get(c.publicId()).statusCode());
            assertEquals(
                    400,
                    on.agentcloud().as(t.bearer()).get(t.team(), c.objectId()).statusCode());
            assertEquals(404, on.recoup().as(t.bearer()).get(c.publicId()).statusCode());
            assertEquals(404, on.admin(t.tenant()).showSession(c.publicId()).statusCode());
            List<String> listed = new ArrayList<>();
            listed.addAll(on.trueFoundry()
                    .as(t.bearer())
                    .list(t.tenant(), Map.of("agent_name", t.agent().name(), "limit", 100))
                    .jsonPath()
                    .getList("data.id"));
            listed.addAll(on.everruns()
                    .as(t.bearer())
                    .list(Map.of("limit", 100))
                    .jsonPath()
                    .getList("data.id"));
            listed.addAll(
                    on.agentcloud().as(t.bearer()).list(t.team()).jsonPath().getList("sessions._id"));
            listed.addAll(on.recoup()
                    .as(t.bearer())
                    .list(Map.of("status", "all", "limit", 100))
                    .jsonPath()
                    .getList("sessions.id"));
            listed.addAll(
                    on.admin(t.tenant()).listSessions(t.tenant()).jsonPath().getList("data.ids.truefoundry"));
            assertTrue(
                    !listed.contains(c.publicId()) && !listed.contains(c.objectId()),
                    "a deleted session is listed: " + listed);
        }
    }

    static final int REPEATS = 4;

    @Test
    void concurrentRepeatedCancelsChangeTheSessionOnceAndAllSucceed() throws Exception {
        Tenant t = one.provisioning().tenant();
        for (int i = 0; i < RACES / 2; i++) {
            // TrueFoundry: cancel is {} whether it cancels or not (safe to repeat, the SDK's cancel returns nothing).
            Created c = running(t);
            List<Response> tf = raceAll(
                    REPEATS, (on, n) -> on.trueFoundry().as(t.bearer()).cancel(t.tenant(), c.publicId(), Map.of()));
            tf.forEach(r -> {
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            });
            assertCancelledOnce(t, c);

            // Everruns: exactly one "cancelled", every other "no_op" (the vendor: cancel is idempotent).
            Created e = running(t);
            List<Response> ev =
                    raceAll(REPEATS, (on, n) -> on.everruns().as(t.bearer()).cancel(e.publicId()));
            long cancelled = ev.stream()
                    .peek(r -> assertEquals(200, r.statusCode(), r.asString()))
                    .filter(r -> r.jsonPath().getString("status").equals("cancelled"))
                    .count();
            assertEquals(
                    1, cancelled, ev.stream().map(Response::asString).toList().toString());
            ev.stream()
                    .filter(r -> !r.jsonPath().getString("status").equals("cancelled"))
                    .forEach(r -> assertEquals(
                            Map.of("status", "no_op", "message", "No turn currently running"),
                            r.jsonPath().getMap("")));
            assertCancelledOnce(t, e);

            // Agentcloud: 200 {} every time (the vendor's cancel answers the same whatever the state).
            Created a = running(t);
            List<Response> ac =
                    raceAll(REPEATS, (on, n) -> on.agentcloud().as(t.bearer()).cancel(t.team(), a.objectId()));
            ac.forEach(r -> {
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            });
            assertCancelledOnce(t, a);
        }
    }

    /** A running session (admin PATCH), whose updated time the cancel must move exactly once. */
    static Created running(Tenant t) {
        Created c = Sessions.complete(one, t, Sessions.create(one, t, "everruns"));
        Response r = one.admin(t.tenant()).updateSession(c.publicId(), Map.of("status", "running"));
        assertEquals(200, r.statusCode(), r.asString());
        return c;
    }

    /** Cancelled (with its finish time), read alike through both instances and every dialect that shows status. */
    static void assertCancelledOnce(Tenant t, Created c) {
        Object updated = null;
        for (Clients on : List.of(one, two)) {
            Map<String, Object> admin =
                    on.admin(t.tenant()).showSession(c.publicId()).jsonPath().getMap("");
            assertEquals("cancelled", admin.get("status"));
            assertEquals(
                    Map.of("everruns", "idle", "agentcloud", "terminated", "recoup", "completed"),
                    admin.get("statuses"));
            Map<String, Object> ev =
                    on.everruns().as(t.bearer()).get(c.publicId()).jsonPath().getMap("");
            assertNotNull(ev.get("finished_at"), ev.toString());
            assertEquals(admin.get("updated_at"), ev.get("updated_at"));
            updated = updated == null ? admin.get("updated_at") : updated;
            assertEquals(updated, admin.get("updated_at"), "both instances read one state");
        }
    }

    static Stream<Arguments> deleters() {
        return Stream.of(
                Arguments.of("everruns", 204, 404),
                Arguments.of("recoup", 200, 404),
                Arguments.of("agentcloud", 200, 400));
    }

    @ParameterizedTest(name = "DELETE via {0}: one {1}, the rest {2}")
    @MethodSource("deleters")
    void concurrentRepeatedDeletesDeleteOnce(String via, int deletedStatus, int repeatStatus) throws Exception {
        Tenant t = one.provisioning().tenant();
        for (int i = 0; i < RACES / 2; i++) {
            Created c = Sessions.complete(one, t, Sessions.create(one, t, "everruns"));
            List<Response> answers = raceAll(REPEATS, (on, n) -> delete(on, t, c, via));
            long deleted = answers.stream()
                    .filter(r -> r.statusCode() == deletedStatus)
                    .count();
            assertEquals(
                    1,
                    deleted,
                    answers.stream()
                            .map(r -> r.statusCode() + " " + r.asString())
                            .toList()
                            .toString());
            answers.stream().filter(r -> r.statusCode() != deletedStatus).forEach(r -> {
                assertEquals(repeatStatus, r.statusCode(), r.asString());
                assertNotFound(via, r, c);
            });
            assertGoneEverywhere(t, c);
        }
        Response stats = two.everruns().as(t.bearer()).stats();
        assertEquals(0, stats.jsonPath().getInt("total"), stats.asString());
    }

    /** Two calls released at the same moment, on two threads. */
    static List<Response> race(Callable<Response> a, Callable<Response> b) throws Exception {
        return release(List.of(a, b));
    }

    /** {@code n} calls released at once, alternating between the two instances. */
    static List<Response> raceAll(int n, BiFunction<Clients, Integer, Response> call) throws Exception {
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            calls.add(() -> call.apply(k % 2 == 0 ? one : two, k));
        }
        return release(calls);
    }

    static List<Response> release(List<Callable<Response>> calls) throws Exception {
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (Callable<Response> call : calls) {
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
            answers.add(f.get(60, TimeUnit.SECONDS));
        }
        return answers;
    }
}
