package io.sessiongateway.core.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the store lives and how the pool behaves.
 *
 * @param url JDBC URL: {@code jdbc:h2:file:...} or {@code jdbc:postgresql://...}
 * @param connectTimeout how long a request waits for a pooled connection before the store reports UNAVAILABLE
 * @param statementTimeout the longest one statement of a pooled connection may run before the database cancels it
 *     (the store then reports UNAVAILABLE); zero leaves the database's own setting (none by default)
 */
public record DatabaseConfig(
        String url, String user, String password, int maxPoolSize, Duration connectTimeout, Duration statementTimeout) {

    public DatabaseConfig {
        if (statementTimeout == null || statementTimeout.isNegative()) {
            throw new IllegalArgumentException("statementTimeout must be zero or positive: " + statementTimeout);
        }
    }

    /** Without a statement timeout of the gateway's own (the database's setting applies). */
    public DatabaseConfig(String url, String user, String password, int maxPoolSize, Duration connectTimeout) {
        this(url, user, password, maxPoolSize, connectTimeout, Duration.ZERO);
    }

    /**
     * The embedded, file-backed H2 database in a data directory; survives restarts, and a killed process.
     *
     * <ul>
     *   <li>{@code WRITE_DELAY=0}: H2's default (500 ms) keeps committed changes in memory until a background
     *       thread writes them, so a process killed with SIGKILL (OOM killer, {@code kill -9}, a container
     *       runtime's timeout) loses sessions it already answered 201 for. With 0, MVStore writes each commit's
     *       chunk to the file before the commit returns (it is in the OS's page cache when the client gets its
     *       answer), so a killed process loses nothing it acknowledged; {@code CrashRecoveryIT} checks this. It
     *       does not fsync: an operating-system crash or power loss can still lose the last commits, which is
     *       why production runs on PostgreSQL. The cost is one file write per commit.</li>
     *   <li>{@code MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH}: the same SQL, names and
     *       ordering as on PostgreSQL.</li>
     *   <li>{@code CACHE_SIZE=4096}: H2's page cache (KB, in the Java heap; H2's default 16 MB). With a store much
     *       larger than the cache (10^6 sessions: a 2.5 GB file) random reads replace its leaf pages every second
     *       or so; 16 MB of them outlived a young collection, overflowed the survivor space and filled the old
     *       generation, whose full collections (75-250 ms) were the p99 at 10^6. At 4 MB the pages die young
     *       (with the launcher's young generation; bench/results/profile-2026-12-05.md, q15-jvm), the index's
     *       inner pages, read on every lookup, stay cached.</li>
     *   <li>{@code QUERY_CACHE_SIZE=64}: H2 keeps the parsed and planned commands of each connection in a cache
     *       of 8 by default; a create alone runs six distinct statements, a GET or a list others, so on a pooled
     *       connection that serves all of them the cache evicted and every statement was parsed and planned again
     *       (bench/results/profile-2026-12-05.md, q15-create: CPU per request of creates and GETs alternating,
     *       0.69 with 64).</li>
     * </ul>
     */
    public static String h2FileUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gateway")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;CACHE_SIZE=4096;QUERY_CACHE_SIZE=64";
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
