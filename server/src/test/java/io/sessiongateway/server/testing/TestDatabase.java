package io.sessiongateway.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The database a test's gateway runs on. The failsafe execution chooses the kind with the system property
 * {@code gateway.test.db}: {@code h2} (the default: the gateway's own H2 file in its data directory) or
 * {@code postgres} (the server named by {@code GATEWAY_TEST_PG_URL}, {@code GATEWAY_TEST_PG_USER},
 * {@code GATEWAY_TEST_PG_PASSWORD}). On PostgreSQL each instance is a fresh schema, selected with pgjdbc's
 * {@code currentSchema} so the gateway's unqualified SQL and Flyway's history table land in it, and dropped by
 * {@link #close()}: tests never see each other's rows, and nothing is left behind.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String PROPERTY = "gateway.test.db";

    /** The database kinds the integration suite runs on. */
    public enum Kind {
        H2,
        POSTGRES
    }

    private final Map<String, String> env;
    private final String schema;

    private TestDatabase(Map<String, String> env, String schema) {
        this.env = env;
        this.schema = schema;
    }

    /** The kind this test run uses. */
    public static Kind kind() {
        String value = System.getProperty(PROPERTY, "h2").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "h2", "" -> Kind.H2;
            case "postgres", "postgresql" -> Kind.POSTGRES;
            default -> throw new IllegalStateException(PROPERTY + " must be h2 or postgres, not " + value);
        };
    }

    public static boolean isPostgres() {
        return kind() == Kind.POSTGRES;
    }

    /** A fresh, empty database of this run's kind. */
    public static TestDatabase create() {
        if (kind() == Kind.H2) {
            return new TestDatabase(Map.of(), null);
        }
        return postgres();
    }

    /**
     * Whether a PostgreSQL server is named ({@code GATEWAY_TEST_PG_URL}), whatever this run's kind: CI sets it for
     * the H2 run too, so tests that need PostgreSQL in any case (two gateway processes over one database) can use it.
     */
    public static boolean postgresConfigured() {
        String url = System.getenv("GATEWAY_TEST_PG_URL");
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    /** A fresh schema on the configured PostgreSQL server, whatever this run's kind. */
    public static TestDatabase postgres() {
        String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE SCHEMA " + schema);
        return new TestDatabase(
                Map.of(
                        "GATEWAY_DB_URL", withParameter(serverUrl(), "currentSchema", schema),
                        "GATEWAY_DB_USER", nullToEmpty(System.getenv("GATEWAY_TEST_PG_USER")),
                        "GATEWAY_DB_PASSWORD", nullToEmpty(System.getenv("GATEWAY_TEST_PG_PASSWORD"))),
                schema);
    }

    /**
     * The gateway settings (GATEWAY_DB_*) that select this database; empty for H2, whose file lives in each
     * gateway's data directory.
     */
    public Map<String, String> env() {
        return env;
    }

    /** Drops the PostgreSQL schema with everything in it. */
    @Override
    public void close() {
        if (schema != null) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** Appends a query parameter to a JDBC URL. */
    public static String withParameter(String url, String name, String value) {
        return url + (url.contains("?") ? "&" : "?") + name + "=" + value;
    }

    private static String serverUrl() {
        String url = System.getenv("GATEWAY_TEST_PG_URL");
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException(PROPERTY + "=postgres needs GATEWAY_TEST_PG_URL=jdbc:postgresql://...");
        }
        return url;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(
                        serverUrl(), System.getenv("GATEWAY_TEST_PG_USER"), System.getenv("GATEWAY_TEST_PG_PASSWORD"));
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run on the test PostgreSQL server: " + sql, e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
