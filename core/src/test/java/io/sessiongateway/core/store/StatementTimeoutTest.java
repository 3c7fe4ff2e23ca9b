package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement timeout: the session setting each pooled connection gets, and a statement the database cancels for
 * running past it reported as UNAVAILABLE {@code statement_timeout} (503 in every dialect), not as a bug (500) and
 * not as an unreachable database (the database is up).
 */
class StatementTimeoutTest {

    private static DatabaseConfig config(String url, Duration timeout) {
        return new DatabaseConfig(url, null, null, 2, Duration.ofSeconds(5), timeout);
    }

    @Test
    void eachDatabaseGetsItsOwnSessionSettingInMilliseconds() {
        assertEquals(
                Optional.of("SET statement_timeout = 10000"),
                Database.statementTimeoutSql(config("jdbc:postgresql://127.0.0.1:1/db", Duration.ofSeconds(10))));
        assertEquals(
                Optional.of("SET QUERY_TIMEOUT 250"),
                Database.statementTimeoutSql(config("jdbc:h2:mem:x", Duration.ofMillis(250))));
        assertEquals(
                Optional.of("SET QUERY_TIMEOUT 1"),
                Database.statementTimeoutSql(config("jdbc:h2:mem:x", Duration.ofNanos(10))),
                "at least one millisecond");
        assertEquals(Optional.empty(), Database.statementTimeoutSql(config("jdbc:h2:mem:x", Duration.ZERO)), "0: none");
        assertEquals(
                Optional.empty(),
                Database.statementTimeoutSql(
                        new DatabaseConfig("jdbc:h2:mem:x", null, null, 2, Duration.ofSeconds(5))));
        assertThrows(IllegalArgumentException.class, () -> config("jdbc:h2:mem:x", Duration.ofSeconds(-1)));
    }

    @Test
    void onlyQueryCanceledIsATimeout() {
        assertTrue(Database.isStatementTimeout(StoreUnavailableTest.jooq(
                StoreUnavailableTest.server("ERROR", "57014", "canceling statement due to statement timeout"))));
        assertFalse(Database.isStatementTimeout(
                StoreUnavailableTest.jooq(new SQLException("Connection refused", "08001"))));
        assertFalse(
                Database.isUnavailable(StoreUnavailableTest.jooq(
                        StoreUnavailableTest.server("ERROR", "57014", "canceling statement"))),
                "a timeout is not an unreachable database");
    }

    @Test
    void aStatementRunningPastTheTimeoutOnH2IsUnavailableStatementTimeout(@TempDir Path dir) {
        try (Database db = Database.open(config(DatabaseConfig.h2FileUrl(dir), Duration.ofMillis(50)))) {
            GatewayException e = assertThrows(
                    GatewayException.class,
                    () -> JooqSessionStore.guard(
                            () -> db.dsl().fetchValue("SELECT SUM(i) FROM SYSTEM_RANGE(1, 2000000000) AS g(i)")));
            assertEquals(ErrorKind.UNAVAILABLE, e.kind());
            assertEquals("statement_timeout", e.code());
            // The connection that ran it serves the next statement.
            assertEquals(1, ((Number) db.dsl().fetchValue("SELECT 1")).intValue());
        }
    }
}
