package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The pool and driver settings that bound how long a request can wait on a sick database. The pool is opened
 * without connecting (it starts even when the database is down), so no server is needed.
 */
class DatabasePoolSettingsTest {

    private static HikariDataSource pool(String url, Duration connectTimeout) {
        return (HikariDataSource) Database.open(new DatabaseConfig(url, "u", "p", 3, connectTimeout))
                .dataSource();
    }

    @Test
    void postgresConnectionsHaveBoundedConnectAndSocketWaitsAndKeepAlive() {
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:1/none", Duration.ofMillis(1500))) {
            Properties p = ds.getDataSourceProperties();
            assertEquals("2", p.getProperty("connectTimeout"), "connect-timeout rounded up to whole seconds");
            assertEquals(Integer.toString(Database.PG_SOCKET_TIMEOUT_SECONDS), p.getProperty("socketTimeout"));
            assertEquals("true", p.getProperty("tcpKeepAlive"));
            assertEquals(1500, ds.getConnectionTimeout());
            assertEquals(1500, ds.getValidationTimeout(), "an idle connection's check never outlasts the wait");
        }
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:1/none", Duration.ofMillis(300))) {
            assertEquals("1", ds.getDataSourceProperties().getProperty("connectTimeout"), "at least one second");
            assertEquals(300, ds.getValidationTimeout());
        }
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:1/none", Duration.ofSeconds(30))) {
            assertEquals("30", ds.getDataSourceProperties().getProperty("connectTimeout"));
            assertEquals(5_000, ds.getValidationTimeout(), "HikariCP's default is the ceiling");
        }
    }

    @Test
    void h2GetsNoPostgresDriverProperties() {
        try (HikariDataSource ds =
                pool(DatabaseConfig.h2FileUrl(Path.of("target", "pool-settings-test")), Duration.ofSeconds(2))) {
            assertFalse(ds.getDataSourceProperties().containsKey("connectTimeout"));
            assertEquals(2_000, ds.getValidationTimeout());
        }
    }
}
