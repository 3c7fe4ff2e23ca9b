package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The store.
 *
 * @param url {@code gateway.db.url}: a JDBC URL, or empty for the embedded H2 file database in the data dir
 * @param user {@code gateway.db.user}, or null
 * @param password {@code gateway.db.password}, or null
 * @param poolSize {@code gateway.db.pool-size}: maximum pooled connections
 * @param connectTimeout {@code gateway.db.connect-timeout}: how long a request waits for a connection
 * @param startupTimeout {@code gateway.db.startup-timeout}: how long start-up waits for an unreachable database
 *     before giving up (zero: not at all)
 * @param statementTimeout {@code gateway.db.statement-timeout}: the longest a statement may run before the database
 *     cancels it and the request answers 503 (zero: the database's own setting)
 */
public record DbSettings(
        String url,
        String user,
        String password,
        int poolSize,
        Duration connectTimeout,
        Duration startupTimeout,
        Duration statementTimeout) {

    /** Reads {@code gateway.db.*}. */
    static DbSettings from(Config g) {
        Duration startup = g.getDuration("db.startup-timeout");
        if (startup.isNegative()) {
            throw new IllegalArgumentException("db.startup-timeout must not be negative: " + startup);
        }
        Duration statement = g.getDuration("db.statement-timeout");
        if (statement.isNegative()) {
            throw new IllegalArgumentException("db.statement-timeout must not be negative: " + statement);
        }
        return new DbSettings(
                g.getString("db.url"),
                GatewayConfig.blankToNull(g.getString("db.user")),
                GatewayConfig.blankToNull(g.getString("db.password")),
                g.getInt("db.pool-size"),
                g.getDuration("db.connect-timeout"),
                startup,
                statement);
    }

    /** Whether a database URL is configured (else the embedded H2 file in the data dir is used). */
    public boolean hasUrl() {
        return url != null && !url.isBlank();
    }

    @Override
    public String toString() {
        // Never print the password, in its own key or in the URL.
        return "DbSettings[url=" + (hasUrl() ? url.replaceAll("password=[^&;]*", "password=***") : "h2-file")
                + ", user=" + user + ", password=" + (password == null ? "none" : "***") + ", poolSize=" + poolSize
                + ", connectTimeout=" + connectTimeout + ", startupTimeout=" + startupTimeout + ", statementTimeout="
                + statementTimeout + "]";
    }
}
