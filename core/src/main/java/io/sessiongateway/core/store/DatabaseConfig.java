package io.sessiongateway.core.store;

import java.time.Duration;

/**
 * Where the store lives and how the pool behaves.
 *
 * @param url JDBC URL: {@code jdbc:h2:file:...} or {@code jdbc:postgresql://...}
 */
public record DatabaseConfig(String url, String user, String password, int maxPoolSize, Duration connectTimeout) {

    /** The embedded, file-backed H2 database in a data directory; survives restarts. */
    public static String h2FileUrl(java.nio.file.Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gateway")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
