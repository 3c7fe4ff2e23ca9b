package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.TcpProxy;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readiness follows the database: the gateway reaches an H2 TCP server through a proxy that the test pauses (a
 * database that never answers) or cuts (a database that is down). Readiness then answers 503 within its bound,
 * liveness stays 200, and readiness is 200 again once the database is back.
 */
class ReadinessIT {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(1);
    /** Generous: the probe must answer near its 1 s bound, never after the pool's or a socket's own timeouts. */
    private static final long BOUND_MS = 4_000;

    private static final Path H2_DIR;
    private static final Server H2;
    private static final TcpProxy PROXY;

    static {
        try {
            H2_DIR = Files.createTempDirectory("gateway-h2-tcp");
            H2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", H2_DIR.toString())
                    .start();
            PROXY = new TcpProxy(H2.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_DB_URL",
                    "jdbc:h2:tcp://127.0.0.1:" + PROXY.port()
                            + "/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            "GATEWAY_READY_TIMEOUT", READY_TIMEOUT.toMillis() + "ms",
            "GATEWAY_DB_CONNECT_TIMEOUT", "2s"));

    static final Clients CLIENTS = GATEWAY.clients();

    @AfterEach
    void heal() throws IOException {
        PROXY.resume();
        try {
            PROXY.restore();
        } catch (IOException alreadyListening) {
            // restore() after a pause only: the port is still bound
        }
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        GATEWAY.stop();
        PROXY.close();
        H2.stop();
        try (var files = Files.walk(H2_DIR)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aDatabaseThatNeverAnswersMakesReadiness503WithinItsBound() {
        assertReady();
        PROXY.pause();
        Response r = timedReady();
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("down", r.jsonPath().getString("status"));
        assertEquals("down", r.jsonPath().getString("checks.database.status"));
        assertEquals("no answer within 1000 ms", r.jsonPath().getString("checks.database.detail"));
        assertEquals("unknown", r.jsonPath().getString("checks.migrations.status"));
        assertEquals(null, r.jsonPath().getString("checks.migrations.duration_ms"));
        // Asked again while the first probe still hangs: same bound, no pile-up.
        assertEquals(503, timedReady().statusCode());
        assertEquals(200, CLIENTS.admin().liveness().statusCode());

        PROXY.resume();
        awaitReady();
    }

    @Test
    void aDatabaseThatIsDownMakesReadiness503AndItRecovers() throws IOException {
        assertReady();
        PROXY.refuse();
        Response r = timedReady();
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("down", r.jsonPath().getString("checks.database.status"));
        String detail = r.jsonPath().getString("checks.database.detail");
        assertTrue(detail.equals("no answer within 1000 ms") || detail.startsWith("database unavailable ("), detail);
        assertTrue(!detail.contains("jdbc:") && !detail.contains("127.0.0.1"), "no connection details: " + detail);
        assertEquals(200, CLIENTS.admin().liveness().statusCode());

        PROXY.restore();
        awaitReady();
    }

    private static void assertReady() {
        Response r = CLIENTS.admin().readiness();
        assertEquals(200, r.statusCode(), r.asString());
    }

    private static Response timedReady() {
        long t0 = System.nanoTime();
        Response r = CLIENTS.admin().readiness();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < BOUND_MS, "readiness took " + ms + " ms");
        return r;
    }

    /** Polls (bounded) until ready; the pool needs a moment to replace the connections it lost. */
    private static void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response r;
        do {
            r = CLIENTS.admin().readiness();
            if (r.statusCode() == 200) {
                assertEquals("up", r.jsonPath().getString("checks.database.status"));
                assertEquals("up", r.jsonPath().getString("checks.migrations.status"));
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not ready again within 30 s: " + r.asString());
    }
}
