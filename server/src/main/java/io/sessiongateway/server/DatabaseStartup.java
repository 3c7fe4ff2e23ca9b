package io.sessiongateway.server;

import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up wait ({@code gateway.db.startup-timeout}): a database that does not accept connections yet (still
 * starting, not yet resolvable, refusing) is tried again every second, with one log line per attempt, until it
 * answers or the time is up. Anything else (a wrong password, a missing database) fails at once: waiting would not
 * change it.
 */
final class DatabaseStartup {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseStartup.class);
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private DatabaseStartup() {}

    /**
     * Returns once a connection to the database succeeds.
     *
     * @throws IllegalStateException when the database is still unreachable after {@code timeout}, or at once when
     *     the failure is not one that waiting can cure
     */
    static void await(DatabaseConfig config, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String where = redacted(config.url());
        for (int attempt = 1; ; attempt++) {
            long remaining = deadline - System.nanoTime();
            try (Connection ignored = DriverManager.getConnection(config.url(), properties(config, remaining))) {
                if (attempt > 1) {
                    LOG.info(
                            "database {} reachable after {} attempt(s), {} ms",
                            where,
                            attempt,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
                return;
            } catch (SQLException e) {
                // refused, unknown host, starting up, too many connections: waiting may cure it
                if (!Database.isUnavailable(e)) {
                    throw new IllegalStateException(
                            "cannot connect to the database " + where + ": " + e.getMessage(), e);
                }
                remaining = deadline - System.nanoTime();
                if (remaining < RETRY_INTERVAL.toNanos()) {
                    throw new IllegalStateException(
                            "database " + where + " not reachable"
                                    + (timeout.isZero()
                                            ? ""
                                            : " after " + timeout.toSeconds() + " s (gateway.db.startup-timeout)")
                                    + ": " + e.getMessage(),
                            e);
                }
                LOG.warn(
                        "database {} not reachable (attempt {}: {}); trying again for up to {} s",
                        where,
                        attempt,
                        e.getMessage(),
                        TimeUnit.NANOSECONDS.toSeconds(remaining));
            }
            try {
                Thread.sleep(RETRY_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the database " + where, e);
            }
        }
    }

    private static Properties properties(DatabaseConfig config, long remainingNanos) {
        Properties p = new Properties();
        if (config.user() != null) {
            p.setProperty("user", config.user());
        }
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        if (config.isPostgres()) {
            // A host that drops packets must not hold one attempt for pgjdbc's default 10 s past the deadline.
            long seconds = Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toSeconds(remainingNanos)));
            p.setProperty("connectTimeout", Long.toString(seconds));
            p.setProperty("loginTimeout", Long.toString(seconds));
        }
        return p;
    }

    private static String redacted(String url) {
        return url.replaceAll("password=[^&;]*", "password=***");
    }
}
