package io.sessiongateway.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** The connection pool, the schema migrations and the jOOQ context, built once at start. */
public final class Database implements AutoCloseable {
    static {
        // jOOQ prints a banner and tips at first use; they are noise in a server log.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    /** pgjdbc's socketTimeout for pooled connections, in seconds, unless the URL sets one. */
    static final int PG_SOCKET_TIMEOUT_SECONDS = 30;
    /** While the database is unreachable, how often one request still tries for real (see FailFastDataSource). */
    static final long PROBE_INTERVAL_MILLIS = 500;

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;
    private final FailFastDataSource requests;
    private final DSLContext dsl;

    private Database(DatabaseConfig config, HikariDataSource dataSource, SQLDialect dialect) {
        this.config = config;
        this.dataSource = dataSource;
        this.requests = new FailFastDataSource(dataSource, PROBE_INTERVAL_MILLIS);
        this.dsl = DSL.using(
                requests, dialect, new Settings().withExecuteLogging(false).withRenderSchema(false));
    }

    /** Opens the pool. Does not migrate: call {@link #migrate()}. */
    public static Database open(DatabaseConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setConnectionTimeout(config.connectTimeout().toMillis());
        // A pooled connection is checked (isValid) before it is handed out when it sat idle; that check must not
        // outlast the wait a request accepts, or a dead database would hold requests past connect-timeout.
        hc.setValidationTimeout(Math.max(250, Math.min(config.connectTimeout().toMillis(), 5_000)));
        hc.setPoolName("gateway-db");
        // Start even when the database is down; requests then answer 503 until it is back.
        hc.setInitializationFailTimeout(-1);
        statementTimeoutSql(config).ifPresent(hc::setConnectionInitSql);
        if (config.isPostgres()) {
            // Parameters in the URL win over these (pgjdbc reads the URL last).
            // A statement whose server stops answering (network partition, frozen host: no RST ever comes) would
            // otherwise hold its request forever; after this long it fails as a connection error, so 503.
            hc.addDataSourceProperty("socketTimeout", Integer.toString(PG_SOCKET_TIMEOUT_SECONDS));
            // Opening a connection to a host that drops packets (no RST) waits for pgjdbc's connectTimeout (10 s by
            // default) on the pool's adder thread; bound it by the wait a request accepts (whole seconds, at least 1).
            hc.addDataSourceProperty("connectTimeout", Long.toString(pgConnectTimeoutSeconds(config)));
            // Dead peers on idle pooled connections are noticed by the kernel, not by the next request.
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            // Names the gateway's connections in pg_stat_activity.
            hc.addDataSourceProperty("ApplicationName", "session-gateway");
        }
        return new Database(
                config, new HikariDataSource(hc), config.isPostgres() ? SQLDialect.POSTGRES : SQLDialect.H2);
    }

    /**
     * SQLSTATEs beyond class 08 (connection exception: refused, reset, closed, I/O error, pgjdbc's socket timeout)
     * that mean the server is going away or turning connections down for now, not that the statement is wrong.
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "57P01", // admin_shutdown: pg_ctl stop, or pg_terminate_backend, while a statement ran
            "57P02", // crash_shutdown: another backend crashed and the server is restarting
            "57P03", // cannot_connect_now: the server is starting up, shutting down or in recovery
            "53300"); // too_many_connections: max_connections reached across all instances

    /**
     * Whether a failure means the database could not be reached or is going away: Hikari's timeout waiting for a
     * connection ({@link SQLTransientConnectionException}, also when no new connection can be opened) or an
     * {@link SQLException} anywhere in the cause chain whose SQLSTATE is of class 08 or one of
     * {@link #UNAVAILABLE_STATES}.
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The session setting, run once on each new pooled connection, that makes the database cancel a statement
     * running longer than the configured timeout (a client paging by a huge offset must not hold every worker
     * thread): PostgreSQL's {@code statement_timeout} (it counts lock waits too), H2's {@code QUERY_TIMEOUT}. Both
     * in milliseconds (at least 1), and both cancel with SQLSTATE 57014 ({@link #isStatementTimeout}). Migrations
     * run on their own connection and are not bounded. Empty when the timeout is zero.
     */
    static Optional<String> statementTimeoutSql(DatabaseConfig config) {
        if (config.statementTimeout().isZero()) {
            return Optional.empty();
        }
        long ms = Math.max(1, config.statementTimeout().toMillis());
        return Optional.of(config.isPostgres() ? "SET statement_timeout = " + ms : "SET QUERY_TIMEOUT " + ms);
    }

    /** SQLSTATE 57014 (query_canceled): PostgreSQL's statement_timeout and H2's QUERY_TIMEOUT both end so. */
    static final String QUERY_CANCELED = "57014";

    /**
     * Whether a failure is the database cancelling a statement that ran past the statement timeout (SQLSTATE 57014
     * anywhere in the cause chain; also an operator's {@code pg_cancel_backend}): the database is up, the statement
     * was too slow.
     */
    public static boolean isStatementTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** pgjdbc's connectTimeout (seconds) for the pool's connections: connect-timeout rounded up, at least 1. */
    static long pgConnectTimeoutSeconds(DatabaseConfig config) {
        return Math.max(1, (config.connectTimeout().toMillis() + 999) / 1000);
    }

    /**
     * Applies pending Flyway migrations from {@code db/migration}, and on PostgreSQL also from {@code db/postgresql}
     * (what H2 cannot run: a trigram index); returns how many ran. Migrations use their own
     * connection, outside the pool, so that the pool's socket timeout (sized for requests) does not cut a long
     * migration short. Instances starting together over one PostgreSQL database take turns: Flyway holds an
     * advisory lock while it migrates. When the history already holds exactly the migrations on the classpath
     * ({@link AppliedMigrations}), Flyway is not run at all: it would have nothing to do and nothing to refuse.
     */
    public int migrate() {
        List<String> locations =
                config.isPostgres() ? List.of("db/migration", "db/postgresql") : List.of("db/migration");
        // A restart over an up-to-date schema (the usual start) skips Flyway; anything else runs it as before.
        if (AppliedMigrations.upToDate(dataSource, locations, Database.class.getClassLoader())) {
            return 0;
        }
        MigrateResult result = Flyway.configure()
                .dataSource(config.url(), config.user(), config.password())
                .locations(locations.stream().map(l -> "classpath:" + l).toArray(String[]::new))
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    public DatabaseConfig config() {
        return config;
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** The pool itself: readiness probes, metrics and tools, which must always really try. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * The pool as requests use it (also behind {@link #dsl()}): after the database was found unreachable, requests
     * fail at once (503) instead of each waiting connect-timeout, until a probe or the pool reaches it again.
     */
    public DataSource requestDataSource() {
        return requests;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
