package io.sessiongateway.core.store;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an H2 file database. */
class H2SessionStoreTest extends SessionStoreContract {
    @TempDir
    static Path dir;

    private static Database db;
    private static SessionStore store;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected SessionStore store() {
        return store;
    }
}
