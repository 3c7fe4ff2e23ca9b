package io.sessiongateway.server.testing;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.runtime.client.ReferenceWorker;
import io.sessiongateway.server.auth.TokenMinter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runtime API's side of a test: worker tokens, the reference worker started in-process against a test gateway
 * (the dialects' conversation ITs add an "external worker" case with it), and, until every dialect posts messages,
 * a message posted through the store over the gateway's own database.
 */
public final class RuntimeWorkers {
    private RuntimeWorkers() {}

    /** A worker JWT (role {@code worker}) for the tenant, or {@code *} for every tenant, signed with the secret. */
    public static String workerToken(String tenant, String subject) {
        return new TokenMinter(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8), GatewayHarness.ISSUER)
                .mint(
                        new TokenMinter.Grant(
                                tenant,
                                subject,
                                "serviceaccount",
                                null,
                                List.of(),
                                null,
                                false,
                                Duration.ofHours(1),
                                true),
                        Instant.now());
    }

    /** A reference worker running on a daemon thread; {@link #log()} is what it said, one line per step. */
    public static final class Running implements AutoCloseable {
        private final ReferenceWorker worker;
        private final Thread thread;
        private final ByteArrayOutputStream out;

        Running(ReferenceWorker worker, Thread thread, ByteArrayOutputStream out) {
            this.worker = worker;
            this.thread = thread;
            this.out = out;
        }

        public String log() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until the log has a line containing {@code text}; false after the timeout. */
        public boolean await(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (log().contains(text)) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        }

        /** Stops claiming without waiting (see {@link #close()}). */
        public void stop() {
            worker.close();
        }

        @Override
        public void close() throws InterruptedException {
            worker.close();
            thread.join(30_000);
        }
    }

    /** Starts the reference worker for a responder against a gateway, with a pause before each text delta. */
    public static Running start(String baseUri, String credential, String responder, Duration stepDelay) {
        return start(baseUri, credential, responder, stepDelay, 3);
    }

    /** Starts the reference worker answering in {@code deltas} text deltas, with a pause before each. */
    public static Running start(String baseUri, String credential, String responder, Duration stepDelay, int deltas) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
        ReferenceWorker worker = new ReferenceWorker(
                new ReferenceWorker.Settings(baseUri, credential, responder, "it", 30, stepDelay, deltas, 2), log);
        Thread t = new Thread(worker, "reference-worker");
        t.setDaemon(true);
        t.start();
        return new Running(worker, t, out);
    }

    /** The store over the running gateway's database (same H2 file, or its PostgreSQL schema); close it after. */
    public static Database database(GatewayHarness gateway, Map<String, String> env) {
        Map<String, String> db = gateway.databaseEnv();
        String url = env.getOrDefault(
                "GATEWAY_DB_URL", db.getOrDefault("GATEWAY_DB_URL", DatabaseConfig.h2FileUrl(gateway.dataDir())));
        return Database.open(new DatabaseConfig(
                url,
                env.getOrDefault("GATEWAY_DB_USER", db.get("GATEWAY_DB_USER")),
                env.getOrDefault("GATEWAY_DB_PASSWORD", db.get("GATEWAY_DB_PASSWORD")),
                2,
                Duration.ofSeconds(5)));
    }

    /** Posts a user message to the session (a turn queued for the agent's responder, given here). */
    public static Posted post(Database database, UUID sessionId, String text, String responder) {
        return new JooqSessionStore(database)
                .postMessage(sessionId, NewMessage.userText(text), responder, Instant.now())
                .orElseThrow();
    }

    /** Cancels the turn as a client's cancel does. */
    public static Turn cancel(Database database, UUID turnId) {
        return new JooqSessionStore(database)
                .cancelTurn(turnId, CancelReason.CLIENT_CANCELLED, Instant.now())
                .orElseThrow();
    }
}
