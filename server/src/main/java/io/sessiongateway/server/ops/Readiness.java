package io.sessiongateway.server.ops;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness probe: the database answers {@code SELECT 1} and its Flyway history holds the schema version this
 * instance migrated to at start. A probe runs on its own thread and the caller waits at most the configured timeout,
 * so a hung database never hangs the probe; while one probe is still running, later callers wait on the same one
 * instead of queueing more connections against a sick database.
 */
public final class Readiness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    private static final String HISTORY = "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank";

    /** Outcome of one check. */
    public enum Status { UP, DOWN, UNKNOWN }

    /** One check: its status, why (or which version), and how long it took (null when it did not run). */
    public record Check(Status status, String detail, Long durationMs) {
    }

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
    private volatile boolean lastReady = true;

    /**
     * @param expectedVersion the schema version applied at start ({@link #currentSchemaVersion(DataSource)})
     * @param timeout the longest {@link #check()} waits
     */
    public Readiness(DataSource dataSource, String expectedVersion, Duration timeout) {
        this.dataSource = dataSource;
        this.expectedVersion = expectedVersion;
        this.timeout = timeout;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gateway-readiness");
            t.setDaemon(true);
            return t;
        });
    }

    /** The latest successfully applied Flyway version, or null when the history is empty. */
    public static String currentSchemaVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
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
            if (inFlight == null || inFlight.isDone()) {
                inFlight = executor.submit(this::probe);
            }
            probe = inFlight;
        }
        long t0 = System.nanoTime();
        Result result;
        try {
            result = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result = new Result(new Check(Status.DOWN, "no answer within " + timeout.toMillis() + " ms", elapsed(t0)),
                    notChecked());
        } catch (ExecutionException e) {
            result = new Result(new Check(Status.DOWN, "check failed: " + e.getCause().getClass().getSimpleName(),
                    elapsed(t0)), notChecked());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new Result(new Check(Status.DOWN, "interrupted", elapsed(t0)), notChecked());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result = new Result(new Check(Status.DOWN, "shutting down", 0L), notChecked());
        }
        if (result.ready() != lastReady) {
            lastReady = result.ready();
            if (lastReady) {
                LOG.info("ready again");
            } else {
                LOG.warn("not ready: database {} ({}), migrations {} ({})", result.database().status(),
                        result.database().detail(), result.migrations().status(), result.migrations().detail());
            }
        }
        return result;
    }

    private Result probe() {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
                s.execute("SELECT 1");
            }
            Check database = new Check(Status.UP, null, elapsed(t0));
            return new Result(database, migrations(c));
        } catch (SQLException e) {
            // The class and SQL state say enough; messages may carry host names or user names.
            String state = e.getSQLState() == null ? "" : ", SQL state " + e.getSQLState();
            return new Result(new Check(Status.DOWN, "database unavailable (" + e.getClass().getSimpleName() + state
                    + ")", elapsed(t0)), notChecked());
        }
    }

    private Check migrations(Connection c) {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(HISTORY)) {
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
            return new Check(Status.DOWN, "schema version " + (latest == null ? "none" : latest) + ", expected "
                    + expectedVersion, elapsed(t0));
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
