package io.sessiongateway.server.ops;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness probe: the database answers {@code SELECT 1} and its Flyway history holds the schema version this
 * instance migrated to at start. A probe runs on its own thread and the caller waits at most the configured timeout,
 * so a hung database never hangs the probe; while one probe is still running, later callers wait on the same one
 * instead of queueing more connections against a sick database. The probe's socket reads are bounded too (JDBC
 * network timeout, where the driver has one), and a probe stuck longer than {@link #ABANDON_AFTER} timeouts is left
 * behind for a fresh one, so readiness turns true again as soon as the database answers.
 */
public final class Readiness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    /** A probe still running after this many timeouts is abandoned and a new one started. */
    static final int ABANDON_AFTER = 3;

    private static final String HISTORY = "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank";

    /** Outcome of one check. */
    public enum Status {
        UP,
        DOWN,
        UNKNOWN
    }

    /** One check: its status, why (or which version), and how long it took (null when it did not run). */
    public record Check(Status status, String detail, Long durationMs) {}

    /** Both checks; ready when both are up. */
    public record Result(Check database, Check migrations) {
        public boolean ready() {
            return database.status() == Status.UP && migrations.status() == Status.UP;
        }
    }

    private final DataSource dataSource;
    private final String expectedVersion;
    private final Duration timeout;
    private final ExecutorService executor;
    private Future<Result> inFlight;
    private long inFlightSince;
    private volatile boolean lastReady = true;

    /**
     * @param expectedVersion the schema version applied at start ({@link #currentSchemaVersion(DataSource)})
     * @param timeout the longest {@link #check()} waits
     */
    public Readiness(DataSource dataSource, String expectedVersion, Duration timeout) {
        this.dataSource = dataSource;
        this.expectedVersion = expectedVersion;
        this.timeout = timeout;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gateway-readiness");
            t.setDaemon(true);
            return t;
        });
    }

    /** The latest successfully applied Flyway version, or null when the history is empty. */
    public static String currentSchemaVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(HISTORY)) {
            String latest = null;
            while (rs.next()) {
                if (rs.getBoolean(2) && rs.getString(1) != null) {
                    latest = rs.getString(1);
                }
            }
            return latest;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema history", e);
        }
    }

    /** Runs (or joins) a probe and waits for it at most the timeout. Never throws. */
    public Result check() {
        Future<Result> probe;
        synchronized (this) {
            long now = System.nanoTime();
            boolean stuck =
                    inFlight != null && !inFlight.isDone() && now - inFlightSince > ABANDON_AFTER * timeout.toNanos();
            if (inFlight == null || inFlight.isDone() || stuck) {
                if (stuck) {
                    inFlight.cancel(true);
                }
                inFlight = executor.submit(this::probe);
                inFlightSince = now;
            }
            probe = inFlight;
        }
        long t0 = System.nanoTime();
        Result result;
        try {
            result = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result = new Result(
                    new Check(Status.DOWN, "no answer within " + timeout.toMillis() + " ms", elapsed(t0)),
                    notChecked());
        } catch (ExecutionException e) {
            result = new Result(
                    new Check(
                            Status.DOWN,
                            "check failed: " + e.getCause().getClass().getSimpleName(),
                            elapsed(t0)),
                    notChecked());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new Result(new Check(Status.DOWN, "interrupted", elapsed(t0)), notChecked());
        } catch (RejectedExecutionException e) {
            result = new Result(new Check(Status.DOWN, "shutting down", 0L), notChecked());
        }
        if (result.ready() != lastReady) {
            lastReady = result.ready();
            if (lastReady) {
                LOG.info("ready again");
            } else {
                LOG.warn(
                        "not ready: database {} ({}), migrations {} ({})",
                        result.database().status(),
                        result.database().detail(),
                        result.migrations().status(),
                        result.migrations().detail());
            }
        }
        return result;
    }

    private Result probe() {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            boundNetworkWaits(c);
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
                s.execute("SELECT 1");
            } catch (SQLException e) {
                // The pool keeps a connection that failed with a state it does not know as fatal, and skips its
                // liveness test when it was used a moment ago: a probe every few seconds would keep drawing it.
                evict(c);
                throw e;
            }
            Check database = new Check(Status.UP, null, elapsed(t0));
            return new Result(database, migrations(c));
        } catch (SQLException e) {
            // The class and SQL state say enough; messages may carry host names or user names.
            String state = e.getSQLState() == null ? "" : ", SQL state " + e.getSQLState();
            return new Result(
                    new Check(
                            Status.DOWN,
                            "database unavailable (" + e.getClass().getSimpleName() + state + ")",
                            elapsed(t0)),
                    notChecked());
        }
    }

    private void evict(Connection c) {
        if (dataSource instanceof HikariDataSource hikari) {
            hikari.evictConnection(c);
        }
    }

    /** A query that never gets an answer (a half-open connection) then fails instead of pinning the probe. */
    private void boundNetworkWaits(Connection c) {
        try {
            c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis() * ABANDON_AFTER));
        } catch (SQLException | UnsupportedOperationException e) {
            // The driver has no network timeout (H2 embedded): the timeout on the caller's side still holds.
        }
    }

    private Check migrations(Connection c) {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(HISTORY)) {
            String latest = null;
            boolean found = expectedVersion == null;
            while (rs.next()) {
                if (rs.getBoolean(2) && rs.getString(1) != null) {
                    latest = rs.getString(1);
                    found |= latest.equals(expectedVersion);
                }
            }
            if (found && latest != null) {
                return new Check(Status.UP, "schema version " + latest, elapsed(t0));
            }
            return new Check(
                    Status.DOWN,
                    "schema version " + (latest == null ? "none" : latest) + ", expected " + expectedVersion,
                    elapsed(t0));
        } catch (SQLException e) {
            return new Check(Status.DOWN, "no schema history (" + e.getClass().getSimpleName() + ")", elapsed(t0));
        }
    }

    private static Check notChecked() {
        return new Check(Status.UNKNOWN, "not checked: the database is unavailable", null);
    }

    private static long elapsed(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
