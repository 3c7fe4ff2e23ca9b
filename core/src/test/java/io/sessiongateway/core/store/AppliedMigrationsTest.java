package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart skips Flyway only when the history holds exactly the migrations on the classpath; every other state runs
 * Flyway, which still migrates or refuses.
 */
class AppliedMigrationsTest {
    private static final List<String> H2_LOCATIONS = List.of("db/migration");

    private static boolean upToDate(Database db) {
        return AppliedMigrations.upToDate(db.dataSource(), H2_LOCATIONS, AppliedMigrationsTest.class.getClassLoader());
    }

    private static Database open(Path dir) {
        return Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 2, Duration.ofSeconds(5)));
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void aMigratedDatabaseIsUpToDateAndARestartRunsNoMigration(@TempDir Path dir) {
        try (Database db = open(dir)) {
            assertFalse(upToDate(db), "no history yet");
            int applied = db.migrate();
            assertTrue(applied > 0);
            assertEquals(
                    applied,
                    AppliedMigrations.list("db/migration", getClass().getClassLoader())
                            .size());
            assertTrue(upToDate(db), "the checksums computed here are Flyway's");
            assertEquals(0, db.migrate());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aChangedMigrationIsStillRefusedByFlyway(@TempDir Path dir) throws SQLException {
        try (Database db = open(dir)) {
            db.migrate();
            execute(db, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '2'");
            assertFalse(upToDate(db));
            assertThrows(FlywayException.class, db::migrate, "Flyway's validation, as before");
        }
    }

    @Test
    void aMissingFailedOrUnknownHistoryRowRunsFlyway(@TempDir Path dir) throws SQLException {
        try (Database db = open(dir)) {
            db.migrate();
            execute(db, "UPDATE flyway_schema_history SET success = FALSE WHERE version = '1'");
            assertFalse(upToDate(db), "a failed migration");
            execute(db, "UPDATE flyway_schema_history SET success = TRUE WHERE version = '1'");
            assertTrue(upToDate(db));
            execute(
                    db,
                    "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                            + " installed_by, execution_time, success) VALUES (999, '999', 'later', 'SQL',"
                            + " 'V999__later.sql', 1, 'test', 0, TRUE)");
            assertFalse(upToDate(db), "a migration applied by a newer build");
            execute(db, "DELETE FROM flyway_schema_history WHERE version IN ('7', '999')");
            assertFalse(upToDate(db), "a migration not applied yet");
        }
    }

    @Test
    void checksumIsFlywaysLineByLineCrcWithoutByteOrderMark() throws Exception {
        byte[] unix = "CREATE TABLE t (a INT);\nSELECT 1;\n".getBytes(StandardCharsets.UTF_8);
        byte[] windowsWithBom = "\uFEFFCREATE TABLE t (a INT);\r\nSELECT 1;".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                AppliedMigrations.checksum(new ByteArrayInputStream(unix)),
                AppliedMigrations.checksum(new ByteArrayInputStream(windowsWithBom)));
    }
}
