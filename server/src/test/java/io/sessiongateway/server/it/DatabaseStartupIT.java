package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.restassured.response.Response;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.TcpProxy;
import io.sessiongateway.server.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The start-up wait ({@code GATEWAY_DB_STARTUP_TIMEOUT}): PostgreSQL reached through a proxy that refuses
 * connections until the test lets them through. PostgreSQL only (the embedded H2 file is never "not yet up"), so
 * this class runs in the PostgreSQL execution of the suite.
 */
class DatabaseStartupIT {
    private static TestDatabase database;
    private static TcpProxy proxy;
    private static Path dataDir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger startupLogger = (Logger) LoggerFactory.getLogger("io.sessiongateway.server.DatabaseStartup");

    @BeforeAll
    static void database() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "the start-up wait is for PostgreSQL");
        database = TestDatabase.create();
        URI pg = URI.create(database.env().get("GATEWAY_DB_URL").substring("jdbc:".length()));
        proxy = new TcpProxy(pg.getPort());
        dataDir = Files.createTempDirectory("gateway-startup-it");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void refuseAndListen() throws Exception {
        proxy.refuse();
        log.start();
        startupLogger.addAppender(log);
        startupLogger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        startupLogger.detachAppender(log);
        startupLogger.setLevel(null);
    }

    @Test
    void startWaitsForADatabaseThatComesUpLateLoggingEachAttempt() throws Exception {
        GatewayConfig config = config(proxiedUrl(), "30s");
        // Its own thread, not the common pool: on two cores that pool has one thread, which a task another test left
        // behind can hold past any fixed sleep (the start then began after the database was already up).
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<GatewayServer> starting =
                    CompletableFuture.supplyAsync(() -> GatewayServer.start(config), starter);
            // the database comes up once two attempts have been refused and logged
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (messages(Level.WARN).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(messages(Level.WARN).size() >= 2, "two refused attempts logged: " + messages(Level.WARN));
            assertFalse(starting.isDone(), "still waiting for the database");
            proxy.restore();

            try (GatewayServer server = starting.get(20, TimeUnit.SECONDS)) {
                Response ready = GatewayHarness.client("http://127.0.0.1:" + server.port())
                        .get("/health/ready");
                assertEquals(200, ready.statusCode(), ready.asString());
            }
        } finally {
            starter.shutdownNow();
        }
        List<String> waits = messages(Level.WARN);
        assertTrue(waits.size() >= 2, waits.toString());
        for (int i = 0; i < waits.size(); i++) {
            String line = waits.get(i);
            assertTrue(
                    line.startsWith("database jdbc:postgresql://127.0.0.1:" + proxy.port() + "/")
                            && line.contains(" not reachable (attempt " + (i + 1) + ": ")
                            && line.contains("trying again for up to "),
                    line);
            assertFalse(line.contains(database.env().get("GATEWAY_DB_PASSWORD")), "no password in the log");
        }
        List<String> infos = messages(Level.INFO);
        assertEquals(1, infos.size(), infos.toString());
        assertTrue(infos.get(0).contains("reachable after " + (waits.size() + 1) + " attempt(s)"), infos.get(0));
    }

    @Test
    void startGivesUpWhenTheTimeoutPasses() {
        long t0 = System.nanoTime();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> GatewayServer.start(config(proxiedUrl(), "2s")));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs >= 1_000 && tookMs < 6_000, "gave up after " + tookMs + " ms");
        assertTrue(e.getMessage().contains("not reachable after 2 s (gateway.db.startup-timeout)"), e.getMessage());
        assertFalse(messages(Level.WARN).isEmpty());
    }

    @Test
    void zeroMeansFailAtOnce() {
        long t0 = System.nanoTime();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> GatewayServer.start(config(proxiedUrl(), "0s")));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs < 1_000, "failed after " + tookMs + " ms");
        assertTrue(
                e.getMessage().startsWith("database jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                e.getMessage());
        assertEquals(List.of(), messages(Level.WARN));
    }

    @Test
    void aWrongPasswordIsNotWaitedFor() throws Exception {
        proxy.restore();
        Map<String, String> env = new HashMap<>(baseEnv(proxiedUrl(), "30s"));
        env.put("GATEWAY_DB_PASSWORD", "wrong-" + database.env().get("GATEWAY_DB_PASSWORD"));
        long t0 = System.nanoTime();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> GatewayServer.start(GatewayConfig.load(null, env)));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs < 5_000, "failed after " + tookMs + " ms");
        assertTrue(e.getMessage().startsWith("cannot connect to the database "), e.getMessage());
        assertEquals(List.of(), messages(Level.WARN));
    }

    /** The captured lines of a level; the appender adds under its own lock (AppenderBase), so the copy takes it. */
    private List<String> messages(Level level) {
        List<ILoggingEvent> events;
        synchronized (log) {
            events = new ArrayList<>(log.list);
        }
        return events.stream()
                .filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static String proxiedUrl() {
        String url = database.env().get("GATEWAY_DB_URL");
        URI pg = URI.create(url.substring("jdbc:".length()));
        return url.replace("//" + pg.getHost() + ":" + pg.getPort() + "/", "//127.0.0.1:" + proxy.port() + "/");
    }

    private static GatewayConfig config(String url, String startupTimeout) {
        return GatewayConfig.load(null, baseEnv(url, startupTimeout));
    }

    private static Map<String, String> baseEnv(String url, String startupTimeout) {
        Map<String, String> env = new HashMap<>(database.env());
        env.put("GATEWAY_DB_URL", url);
        env.put("GATEWAY_DB_STARTUP_TIMEOUT", startupTimeout);
        env.put("GATEWAY_DATA_DIR", dataDir.toString());
        env.put("GATEWAY_JWT_SECRET", GatewayHarness.SECRET);
        env.put("GATEWAY_BIND", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        return env;
    }
}
