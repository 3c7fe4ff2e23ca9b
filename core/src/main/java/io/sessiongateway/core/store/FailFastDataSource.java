package io.sessiongateway.core.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as request traffic sees it. Once getting a connection has failed because the database is unreachable
 * (the pool waited its whole connect-timeout, or the driver could not connect), later requests fail at once
 * instead of each holding a worker thread for connect-timeout again: with a few worker threads, those waits would
 * otherwise queue liveness probes and metrics scrapes behind them. While failing fast, one request at a time still
 * tries for real, at most once per probe interval, and at once whenever the pool holds an idle connection again
 * (the pool's own refill or a readiness probe reached the database); the first success ends it.
 */
final class FailFastDataSource implements DataSource {
    private final HikariDataSource pool;
    private final long probeIntervalNanos;
    private volatile boolean failing;
    private volatile long nextProbe;
    private final AtomicBoolean probing = new AtomicBoolean();

    FailFastDataSource(HikariDataSource pool, long probeIntervalMillis) {
        this.pool = pool;
        this.probeIntervalNanos = TimeUnit.MILLISECONDS.toNanos(probeIntervalMillis);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!failing) {
            return acquire();
        }
        boolean due = System.nanoTime() - nextProbe >= 0 || idleConnections() > 0;
        if (due && probing.compareAndSet(false, true)) {
            try {
                return acquire();
            } finally {
                probing.set(false);
            }
        }
        throw new SQLTransientConnectionException(pool.getPoolName()
                + " - the database was unreachable at the last attempt; failing fast until it answers again");
    }

    private int idleConnections() {
        var mx = pool.getHikariPoolMXBean();
        return mx == null ? 0 : mx.getIdleConnections();
    }

    private Connection acquire() throws SQLException {
        try {
            Connection c = pool.getConnection();
            failing = false;
            return c;
        } catch (SQLException e) {
            if (Database.isUnavailable(e)) {
                nextProbe = System.nanoTime() + probeIntervalNanos;
                failing = true;
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(pool) || pool.isWrapperFor(iface);
    }
}
